// `local` includes with wildcards (spec §4.2, GitLab's Repository#search_files_by_wildcard_path):
// `*` matches within one path segment, `**` matches across segments, the pattern must match the
// whole path. Matches are sorted (GitLab's order is the repository search's; glci makes it stable).

export function hasWildcard(path: string): boolean {
  return path.includes('*');
}

export function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const body = escaped
    .split('**')
    .map((part) => part.replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** The directory before the first wildcard: only files below it can match. */
export function wildcardBase(pattern: string): string {
  const head = pattern.slice(0, pattern.indexOf('*'));
  const slash = head.lastIndexOf('/');
  return slash === -1 ? '' : head.slice(0, slash);
}

export function matchWildcard(pattern: string, files: readonly string[]): string[] {
  const regexp = wildcardRegExp(pattern);
  return files.filter((file) => regexp.test(file)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
