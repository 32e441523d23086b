// Bounded memory for a job's log in the live view, whatever the job prints (50 MB of output must not
// grow the process): the last few displayable lines for the preview under a running job, and the last
// LOG_TAIL_CHARS of raw text for the full-log view. Values are immutable; every update returns a new one.
import { renderLogLine } from '../log-line.js';

/** Lines of preview kept per job (the view may show fewer). */
export const PREVIEW_LINES = 5;
/** Raw log text kept per job for "follow the full log": the last 256 KB (UTF-16 units), older text dropped. */
export const LOG_TAIL_CHARS = 256 * 1024;
/** An unfinished line longer than this keeps its end only (a progress bar redrawn with `\r`). */
const PARTIAL_CHARS = 4096;
/** A preview line is cut here; the view truncates to the terminal width anyway. */
const PREVIEW_LINE_CHARS = 512;
/** Raw text is kept in segments of this size so an append copies a short array, not the whole tail. */
const SEGMENT_CHARS = 16 * 1024;

export interface LogPreview {
  /** The last displayable lines (section markers and ANSI removed), oldest first. */
  readonly lines: readonly string[];
  /** The line still being written (raw, bounded). */
  readonly partial: string;
}

export interface LogTail {
  readonly segments: readonly string[];
  readonly chars: number;
  /** Older text was dropped to stay within LOG_TAIL_CHARS. */
  readonly truncated: boolean;
}

export const emptyPreview: LogPreview = { lines: [], partial: '' };
export const emptyTail: LogTail = { segments: [], chars: 0, truncated: false };

/** Control characters other than tab and ESC break the layout of a terminal UI. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/** One log line as the live view shows it, or null when only section markers were on it. */
export function displayLine(raw: string, color: boolean): string | null {
  const text = renderLogLine(raw, color);
  return text === null ? null : text.replace(/\t/g, '    ').replace(CONTROL, '');
}

/**
 * Appends a chunk to the preview. Only the last PREVIEW_LINES displayable lines of the chunk are
 * rendered, walking back from its end, so a huge chunk costs one scan and not one render per line.
 */
export function appendPreview(preview: LogPreview, chunk: string): LogPreview {
  const text = preview.partial + chunk;
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return { lines: preview.lines, partial: bounded(text) };
  const found: string[] = [];
  let end = lastNewline;
  let reachedStart = false;
  while (found.length < PREVIEW_LINES) {
    const start = text.lastIndexOf('\n', end - 1);
    const line = displayLine(text.slice(start + 1, end), false);
    if (line !== null) found.unshift(line.slice(0, PREVIEW_LINE_CHARS));
    if (start < 0) {
      reachedStart = true;
      break;
    }
    end = start;
  }
  const lines = reachedStart ? [...preview.lines, ...found].slice(-PREVIEW_LINES) : found;
  return { lines, partial: bounded(text.slice(lastNewline + 1)) };
}

function bounded(partial: string): string {
  return partial.length > PARTIAL_CHARS ? partial.slice(-PARTIAL_CHARS) : partial;
}

/** Appends raw text, dropping whole old segments once more than LOG_TAIL_CHARS are kept. */
export function appendTail(tail: LogTail, chunk: string): LogTail {
  let truncated = tail.truncated;
  let text = chunk;
  if (text.length > LOG_TAIL_CHARS) {
    text = text.slice(-LOG_TAIL_CHARS);
    truncated = true;
  }
  const segments = [...tail.segments];
  const last = segments[segments.length - 1];
  if (last !== undefined && last.length + text.length <= SEGMENT_CHARS) segments[segments.length - 1] = last + text;
  else segments.push(text);
  let chars = tail.chars + text.length;
  while (segments.length > 1 && chars - (segments[0]?.length ?? 0) >= LOG_TAIL_CHARS) {
    chars -= segments.shift()?.length ?? 0;
    truncated = true;
  }
  return { segments, chars, truncated };
}

/** The last `count` displayable lines of the kept log (a cut first line is left out). */
export function tailLines(tail: LogTail, count: number, color: boolean): string[] {
  const raw = tail.segments.join('').split('\n');
  if (tail.truncated) raw.shift();
  const lines: string[] = [];
  for (let i = raw.length - 1; i >= 0 && lines.length < count; i--) {
    const line = displayLine(raw[i] ?? '', color);
    if (line !== null && !(i === raw.length - 1 && line === '')) lines.unshift(line);
  }
  return lines;
}
