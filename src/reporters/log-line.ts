// Turning GitLab job-log text into lines for a plain stream: section markers are dropped, a line rewritten
// with `\r` keeps what a terminal would finally show, and ANSI colour is removed when colour is off.

/** `section_start:<unix>:<name>[options]\r\e[0K` and `section_end:...` (runner-behavior.md §10.1). */
const SECTION_MARKER = /section_(?:start|end):\d+:[^\r\n]*\r(?:\x1b\[0K)?/g;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The displayable form of one log line (without its newline), or null when only markers were on it. */
export function renderLogLine(line: string, color: boolean): string | null {
  const withoutMarkers = line.replace(SECTION_MARKER, '');
  const hadMarker = withoutMarkers !== line;
  let text = withoutMarkers.endsWith('\r') ? withoutMarkers.slice(0, -1) : withoutMarkers;
  const lastReturn = text.lastIndexOf('\r');
  if (lastReturn >= 0) text = text.slice(lastReturn + 1);
  const plain = stripAnsi(text);
  if (hadMarker && plain.trim() === '') return null;
  return color ? text : plain;
}

/** Splits a chunk stream into complete lines, keeping the unfinished tail per key. */
export class LineBuffer {
  private readonly tails = new Map<string, string>();

  /** Complete lines (without `\n`) once `chunk` is appended to `key`'s tail. */
  push(key: string, chunk: string): string[] {
    const lines = ((this.tails.get(key) ?? '') + chunk).split('\n');
    this.tails.set(key, lines.pop() ?? '');
    return lines;
  }

  /** The unfinished tail of `key`, if any, as a last line. */
  flush(key: string): string[] {
    const tail = this.tails.get(key) ?? '';
    this.tails.delete(key);
    return tail === '' ? [] : [tail];
  }
}
