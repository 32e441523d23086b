// `artifacts:reports:dotenv` parsing with GitLab's rules (gitlab-ci-yaml.md §9.1, GitLab
// app/services/ci/parse_dotenv_artifact_service.rb): each line is split at its first `=`, key and value
// are stripped, quotes are kept, nothing is unescaped or expanded, there are no comments, and a line
// without `=` (an empty line too) makes the whole report invalid. On any error no variable is kept.

/** A variable produced by a dotenv report. */
export interface DotenvVariable {
  key: string;
  value: string;
}

export interface DotenvLimits {
  /** The report must be smaller than this many bytes (GitLab `dotenv_size`, default 5 KiB). */
  maxBytes: number;
  /** At most this many variables (GitLab `dotenv_variables`, default 20 on self-managed). */
  maxVariables: number;
}

export const DEFAULT_DOTENV_LIMITS: DotenvLimits = { maxBytes: 5 * 1024, maxVariables: 20 };

export interface DotenvResult {
  /** The variables, last definition of a key winning; empty when there is any error. */
  variables: DotenvVariable[];
  /** GitLab's error messages; the job keeps its own status. */
  errors: string[];
}

const KEY_PATTERN = /^[a-zA-Z0-9_]+$/;
const KEY_MAX = 255;

/** Ruby's String#strip: ASCII whitespace and NUL at both ends. */
function rubyStrip(s: string): string {
  return s.replace(/^[\0\t\n\v\f\r ]+|[\0\t\n\v\f\r ]+$/g, '');
}

/** Bytes → text as GitLab does: UTF-16 (by BOM) converted, invalid UTF-8 replaced, BOM stripped. */
function decode(content: Uint8Array): string {
  let text: string;
  if (content[0] === 0xff && content[1] === 0xfe) text = new TextDecoder('utf-16le').decode(content);
  else if (content[0] === 0xfe && content[1] === 0xff) text = new TextDecoder('utf-16be').decode(content);
  else text = new TextDecoder('utf-8').decode(content);
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Ruby's each_line: pieces ending with `\n` (the last one may not). */
function lines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  return out.filter((line) => line !== '');
}

function keyError(key: string): string | null {
  if (key === '') return "Validation failed: Key can't be blank";
  if (key.length > KEY_MAX) return `Validation failed: Key is too long (maximum is ${KEY_MAX} characters)`;
  if (!KEY_PATTERN.test(key)) return "Validation failed: Key can contain only letters, digits and '_'.";
  return null;
}

/** One line → [key, value], or null when it has no `=` (Ruby `/^(.*?)=(.*)$/`, `.` not matching `\n`). */
function scanLine(line: string): [string, string] | null {
  const body = line.endsWith('\n') ? line.slice(0, -1) : line;
  if (body.includes('\n')) return null;
  const at = body.indexOf('=');
  if (at === -1) return null;
  return [rubyStrip(body.slice(0, at)), rubyStrip(body.slice(at + 1))];
}

/** GitLab's size check of a whole report (`artifact.file.size < dotenv_size`); null when it passes. */
export function dotenvSizeError(size: number, limits: DotenvLimits = DEFAULT_DOTENV_LIMITS): string | null {
  return size < limits.maxBytes ? null : `Dotenv Artifact Too Big. Maximum Allowable Size: ${limits.maxBytes}`;
}

/** Parses the report's files (in order; together they form one report). */
export function parseDotenv(files: readonly Uint8Array[], limits: DotenvLimits = DEFAULT_DOTENV_LIMITS): DotenvResult {
  const sizeError = dotenvSizeError(
    files.reduce((sum, f) => sum + f.byteLength, 0),
    limits,
  );
  if (sizeError !== null) return { variables: [], errors: [sizeError] };
  const variables = new Map<string, string>();
  for (const file of files) {
    for (const line of lines(decode(file))) {
      const pair = scanLine(line);
      if (pair === null) return { variables: [], errors: ['Invalid Format'] };
      variables.set(pair[0], pair[1]); // the last definition wins (at the first one's position, as in Ruby)
    }
  }
  if (variables.size > limits.maxVariables) {
    return { variables: [], errors: [`Dotenv files cannot have more than ${limits.maxVariables} variables`] };
  }
  for (const key of variables.keys()) {
    const error = keyError(key);
    if (error !== null) return { variables: [], errors: [error] };
  }
  return { variables: [...variables].map(([key, value]) => ({ key, value })), errors: [] };
}
