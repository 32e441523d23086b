// ANSI SGR colours of a job log → HTML spans (GitLab's log viewer does the same). The state carries over
// between calls because a colour may open in one chunk or section and close in the next; every span is
// closed where it ends so the HTML nests whatever the escapes do. Other escapes are dropped.
import { escapeHtml } from './html-text.js';

interface Style {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  fg: string | null;
  bg: string | null;
}

const PLAIN: Style = { bold: false, italic: false, underline: false, fg: null, bg: null };
const ESCAPE = /\x1b\[([0-9;?]*)([A-Za-z])|\x1b[()][A-Za-z0-9]|\x1b[=>78]|[\x00-\x08\x0b-\x1f\x7f]/g;

/** The xterm 256-colour palette beyond the 16 named colours (6×6×6 cube, then 24 greys). */
function xterm(n: number): string {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const c = n - 16;
  const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(c / 36))},${level(Math.floor(c / 6) % 6)},${level(c % 6)})`;
}

function extended(codes: number[], i: number): { colour: string | null; used: number } {
  if (codes[i + 1] === 5) {
    const n = codes[i + 2] ?? 0;
    return { colour: n < 16 ? `c${n}` : xterm(n), used: 2 };
  }
  if (codes[i + 1] === 2) return { colour: `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`, used: 4 };
  return { colour: null, used: 0 };
}

function apply(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(';').map((p) => Number(p) || 0);
  let s = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) s = { ...PLAIN };
    else if (code === 1) s.bold = true;
    else if (code === 3) s.italic = true;
    else if (code === 4) s.underline = true;
    else if (code === 22) s.bold = false;
    else if (code === 23) s.italic = false;
    else if (code === 24) s.underline = false;
    else if (code >= 30 && code <= 37) s.fg = `c${code - 30}`;
    else if (code >= 90 && code <= 97) s.fg = `c${code - 82}`;
    else if (code === 39) s.fg = null;
    else if (code >= 40 && code <= 47) s.bg = `c${code - 40}`;
    else if (code >= 100 && code <= 107) s.bg = `c${code - 92}`;
    else if (code === 49) s.bg = null;
    else if (code === 38 || code === 48) {
      const { colour, used } = extended(codes, i);
      if (code === 38) s.fg = colour;
      else s.bg = colour;
      i += used;
    }
  }
  return s;
}

function wrap(style: Style, text: string): string {
  if (text === '') return '';
  const classes: string[] = [];
  const css: string[] = [];
  if (style.bold) classes.push('b');
  if (style.italic) classes.push('i');
  if (style.underline) classes.push('u');
  const colour = (value: string | null, prefix: 'fg' | 'bg', property: string) => {
    if (value === null) return;
    if (value.startsWith('c')) classes.push(`${prefix}${value.slice(1)}`);
    else css.push(`${property}:${value}`);
  };
  colour(style.fg, 'fg', 'color');
  colour(style.bg, 'bg', 'background-color');
  const html = escapeHtml(text);
  if (classes.length === 0 && css.length === 0) return html;
  const cls = classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
  const inline = css.length > 0 ? ` style="${css.join(';')}"` : '';
  return `<span${cls}${inline}>${html}</span>`;
}

export class AnsiHtml {
  private style: Style = { ...PLAIN };

  /** Escaped HTML for `text`, colours as spans; the style left open applies to the next call. */
  render(text: string): string {
    let html = '';
    let last = 0;
    for (const m of text.matchAll(ESCAPE)) {
      html += wrap(this.style, text.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[2] === 'm') this.style = apply(this.style, m[1] ?? '');
    }
    return html + wrap(this.style, text.slice(last));
  }
}
