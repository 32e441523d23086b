// A job log as HTML: GitLab Runner's `section_start`/`section_end` markers (src/log/sections.ts) become
// nested `<details>` whose `<summary>` is the section's first line (GitLab's log viewer shows that line
// as the fold header, with the section's duration); `[collapsed=true]` sections start closed.
import { formatDuration } from '../summary.js';
import { AnsiHtml } from './ansi.js';
import { escapeHtml } from './html-text.js';

const MARKER = /section_(start|end):(\d+):([^\r\n[]+)(\[[^\]\r\n]*\])?\r\x1b\[0K/g;

/** Where a marker sits in the log → when it was written (ms); without it, the markers' own seconds count. */
export type TimeAt = (offset: number) => number;

interface OpenSection {
  name: string;
  /** Milliseconds since the epoch. */
  startMs: number;
  collapsed: boolean;
  header: string | null;
  body: string;
}

/** A line as a terminal leaves it: text after a carriage return overwrites what came before. */
function settle(line: string): string {
  const trimmed = line.replace(/\r+$/, '');
  const cut = trimmed.lastIndexOf('\r');
  return cut >= 0 ? trimmed.slice(cut + 1) : trimmed;
}

class LogBuilder {
  private readonly ansi = new AnsiHtml();
  private readonly root: OpenSection = { name: '', startMs: 0, collapsed: false, header: '', body: '' };
  private readonly stack: OpenSection[] = [this.root];
  /** Text of a line begun before a marker, so a line split by markers still settles as one. */
  private pending = '';

  private get top(): OpenSection {
    return this.stack[this.stack.length - 1] ?? this.root;
  }

  text(text: string): void {
    const parts = (this.pending + text).split('\n');
    this.pending = parts.pop() ?? '';
    for (const line of parts) this.line(line);
  }

  private line(raw: string): void {
    const html = this.ansi.render(settle(raw));
    const top = this.top;
    if (top.header === null) top.header = html;
    else top.body += `${html}\n`;
  }

  private flushPending(): void {
    if (this.pending === '') return;
    const rest = this.pending;
    this.pending = '';
    this.line(rest);
  }

  start(name: string, ms: number, options: string): void {
    this.flushPending();
    this.stack.push({ name, startMs: ms, collapsed: /collapsed=true/.test(options), header: null, body: '' });
  }

  end(name: string, ms: number): void {
    // An end without its start (a script printing marker-like text) is left as it is: no section.
    if (!this.stack.some((s, i) => i > 0 && s.name === name)) return;
    this.flushPending();
    while (this.stack.length > 1) {
      const closed = this.pop(ms);
      if (closed === name) return;
    }
  }

  private pop(ms: number | null): string {
    const section = this.stack.pop();
    if (!section) return '';
    const time = ms === null ? '' : `<span class="dur">${formatDuration(Math.max(0, ms - section.startMs))}</span>`;
    const summary = `<summary><span class="sec-name">${escapeHtml(section.name)}</span> ${section.header ?? ''}${time}</summary>`;
    this.top.body += `<details class="section"${section.collapsed ? '' : ' open'} data-section="${escapeHtml(section.name)}">${summary}<div class="sec-body">${section.body}</div></details>`;
    return section.name;
  }

  finish(): string {
    this.flushPending();
    while (this.stack.length > 1) this.pop(null);
    return `<div class="log">${this.root.body}</div>`;
  }
}

/**
 * The whole log of one job attempt (its chunks joined), as escaped HTML. `timeAt` gives section durations
 * to the millisecond (the markers carry whole seconds, so short sections would all read 0s).
 */
export function renderLogHtml(log: string, timeAt?: TimeAt): string {
  const builder = new LogBuilder();
  let last = 0;
  for (const m of log.matchAll(MARKER)) {
    builder.text(log.slice(last, m.index));
    last = m.index + m[0].length;
    const ms = timeAt ? timeAt(m.index) : Number(m[2]) * 1000;
    if (m[1] === 'start') builder.start(m[3] ?? '', ms, m[4] ?? '');
    else builder.end(m[3] ?? '', ms);
  }
  builder.text(log.slice(last));
  return builder.finish();
}
