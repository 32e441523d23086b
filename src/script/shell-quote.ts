// POSIX shell quoting for values written into generated scripts. Single quotes keep every byte literal
// (newlines, `$`, backslashes, unicode) in bash, dash and busybox sh alike; only `'` itself needs care.

/** `value` as one single-quoted shell word: `it's` → `'it'\''s'`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Like shellQuote, but leaves words made only of safe characters unquoted (for readable scripts). */
export function shellWord(value: string): string {
  return PLAIN_WORD.test(value) ? value : shellQuote(value);
}
