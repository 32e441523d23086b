// The two `$` expansion mechanisms that are not the shell's (gitlab-ci-yaml.md §7.3):
// GitLab's keyword expansion (`$X`, `${X}`, `%X%`, no escape sequence) and the runner's single pass
// (Go os.Expand: `$X`, `${X}`, `$$` → `$`, shell-special names empty).

export type VariableLookup = (name: string) => string | undefined;

const KEYWORD_REFERENCE = /\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|%([A-Za-z_][A-Za-z0-9_]*)%/g;

/**
 * GitLab keyword expansion (tags, environment, resource_group, rules:changes/exists paths, include,
 * workflow:name, trigger, ...). `$$FOO` is `$` followed by FOO's value: there is no escape here.
 * `unknown: 'keep'` is GitLab's expand-existing flavour, `'empty'` its expand flavour.
 */
export function expandKeyword(text: string, lookup: VariableLookup, unknown: 'keep' | 'empty'): string {
  return text.replace(KEYWORD_REFERENCE, (whole: string, plain?: string, braced?: string, percent?: string) => {
    const value = lookup((plain ?? braced ?? percent)!);
    if (value !== undefined) return value;
    return unknown === 'keep' ? whole : '';
  });
}

const SHELL_SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function isNameChar(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9_]$/.test(c);
}

/** The name after a `$` at `s[start]` and how many characters it spans (os.Expand's getShellName). */
function shellName(s: string, start: number): { name: string; width: number } {
  const first = s[start];
  if (first === '{') {
    if (SHELL_SPECIAL.has(s[start + 1] ?? '') && s[start + 2] === '}') return { name: s[start + 1]!, width: 3 };
    const close = s.indexOf('}', start + 1);
    // `${}` and an unclosed `${` are bad syntax: os.Expand eats them.
    if (close < 0) return { name: '', width: 1 };
    if (close === start + 1) return { name: '', width: 2 };
    return { name: s.slice(start + 1, close), width: close - start + 1 };
  }
  if (first !== undefined && SHELL_SPECIAL.has(first)) return { name: first, width: 1 };
  let end = start;
  while (isNameChar(s[end])) end++;
  return { name: s.slice(start, end), width: end - start };
}

/** The runner's value for a name: `$$` → `$`, positional and special shell names → empty. */
function runnerValue(name: string, lookup: VariableLookup): string {
  if (name === '$') return '$';
  if (SHELL_SPECIAL.has(name) && name !== '-') return '';
  return lookup(name) ?? '';
}

/** One runner expansion pass over a value (`common/variables.go` ExpandValue). Unknown names become empty. */
export function expandRunner(value: string, lookup: VariableLookup): string {
  let out = '';
  let copied = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '$' || i + 1 >= value.length) continue;
    out += value.slice(copied, i);
    const { name, width } = shellName(value, i + 1);
    if (name !== '') out += runnerValue(name, lookup);
    else if (width === 0) out += '$';
    i += width;
    copied = i + 1;
  }
  return out + value.slice(copied);
}
