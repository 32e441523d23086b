// Where each key of a TOML document is written. @iarna/toml reports positions only for syntax errors,
// yet a wrong value must be reported at FILE:LINE (GitLab users fix config.toml by hand), so this
// small scanner walks the (already valid) text once and records the line and column of every table
// header, key and array element under the same dotted path the section readers use.

/** 1-based line and column. */
export interface TomlPosition {
  line: number;
  column: number;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** `parent.key`, quoting keys that are not bare (`tmpfs."/var/lib/mysql"`), as messages show them. */
export function joinKey(parent: string, key: string): string {
  const segment = BARE_KEY.test(key) ? key : JSON.stringify(key);
  return parent === '' ? segment : `${parent}.${segment}`;
}

export function joinIndex(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** Positions by path; a path never written (a default) falls back to its nearest written ancestor. */
export class TomlPositions {
  constructor(private readonly map: ReadonlyMap<string, TomlPosition>) {}

  static scan(text: string): TomlPositions {
    return new TomlPositions(new Scanner(text).run());
  }

  find(path: string): TomlPosition | null {
    let current = path;
    for (;;) {
      const found = this.map.get(current);
      if (found) return found;
      const parent = parentPath(current);
      if (parent === null) return null;
      current = parent;
    }
  }
}

function parentPath(path: string): string | null {
  if (path === '') return null;
  if (path.endsWith(']')) return path.slice(0, path.lastIndexOf('['));
  // The last `.` outside quotes separates the last key.
  let inQuote = false;
  let cut = -1;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === '\\' && inQuote) i++;
    else if (ch === '"') inQuote = !inQuote;
    else if (ch === '.' && !inQuote) cut = i;
  }
  return cut < 0 ? '' : path.slice(0, cut);
}

class Scanner {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private table = '';
  private readonly arrays = new Map<string, number>();
  private readonly found = new Map<string, TomlPosition>();

  constructor(private readonly text: string) {}

  run(): Map<string, TomlPosition> {
    while (this.pos < this.text.length) {
      const before = this.pos;
      this.skipBlank(true);
      const ch = this.text[this.pos];
      if (ch === undefined) break;
      if (ch === '[') this.header();
      else if (ch !== '\n') this.keyValue(this.table);
      this.skipLine();
      if (this.pos === before) this.pos++; // never loop on text the scanner does not understand
    }
    return this.found;
  }

  private here(): TomlPosition {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private record(path: string, at: TomlPosition): void {
    if (!this.found.has(path)) this.found.set(path, at);
  }

  private advance(): void {
    if (this.text[this.pos] === '\n') {
      this.line++;
      this.lineStart = this.pos + 1;
    }
    this.pos++;
  }

  /** Spaces and tabs (and comments); newlines too when `newlines`. */
  private skipBlank(newlines: boolean): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\r' || (newlines && ch === '\n')) this.advance();
      else if (ch === '#') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
  }

  private skipLine(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n') {
      if (this.text[this.pos] === '#') this.skipComment();
      else this.pos++;
    }
  }

  private header(): void {
    const at = this.here();
    const double = this.text.startsWith('[[', this.pos);
    this.pos += double ? 2 : 1;
    const keys = this.keys();
    let path = '';
    keys.forEach((key, i) => {
      path = joinKey(path, key);
      const last = i === keys.length - 1;
      if (last && double) {
        const count = (this.arrays.get(path) ?? 0) + 1;
        this.arrays.set(path, count);
        this.record(path, at);
        path = joinIndex(path, count - 1);
      } else if (this.arrays.has(path)) {
        path = joinIndex(path, this.arrays.get(path)! - 1);
      }
    });
    this.record(path, at);
    this.table = path;
  }

  /** `key = value` under `parent`; also used inside inline tables. */
  private keyValue(parent: string): void {
    const at = this.here();
    let path = parent;
    for (const key of this.keys()) {
      path = joinKey(path, key);
      this.record(path, at);
    }
    this.skipBlank(false);
    if (this.text[this.pos] !== '=') return;
    this.pos++;
    this.skipBlank(false);
    this.value(path);
  }

  /** A dotted key: bare or quoted parts separated by `.`. */
  private keys(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const ch = this.text[this.pos];
      if (ch === '"' || ch === "'") keys.push(this.quotedKey(ch));
      else {
        const start = this.pos;
        while (this.pos < this.text.length && /[A-Za-z0-9_-]/.test(this.text[this.pos]!)) this.pos++;
        if (this.pos === start) return keys;
        keys.push(this.text.slice(start, this.pos));
      }
      this.skipBlank(false);
      if (this.text[this.pos] !== '.') return keys;
      this.pos++;
    }
  }

  private quotedKey(quote: string): string {
    const start = this.pos;
    this.skipString();
    const raw = this.text.slice(start, this.pos);
    if (quote === "'") return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1); // TOML escapes JSON lacks (\U0001F600): the key is only used for lookups
    }
  }

  private value(path: string): void {
    const ch = this.text[this.pos];
    if (ch === '"' || ch === "'") this.skipString();
    else if (ch === '[') this.array(path);
    else if (ch === '{') this.inlineTable(path);
    else while (this.pos < this.text.length && !/[\s,\]}#]/.test(this.text[this.pos]!)) this.pos++;
  }

  private array(path: string): void {
    this.pos++;
    for (let index = 0; this.pos < this.text.length; index++) {
      this.skipBlank(true);
      if (this.text[this.pos] === ']') break;
      const element = joinIndex(path, index);
      const before = this.pos;
      this.record(element, this.here());
      this.value(element);
      this.skipBlank(true);
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.pos === before) this.pos++;
    }
    this.pos++;
  }

  private inlineTable(path: string): void {
    this.pos++;
    while (this.pos < this.text.length) {
      this.skipBlank(false);
      const ch = this.text[this.pos];
      if (ch === '}' || ch === '\n') break;
      const before = this.pos;
      this.keyValue(path);
      this.skipBlank(false);
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.pos === before) this.pos++;
    }
    if (this.text[this.pos] === '}') this.pos++;
  }

  /** Any of the four TOML string forms, multi-line ones included. */
  private skipString(): void {
    const quote = this.text[this.pos]!;
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const close = triple ? quote.repeat(3) : quote;
    this.pos += close.length;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (ch === '\\' && quote === '"') {
        this.pos++;
        this.advance();
      } else if (this.text.startsWith(close, this.pos)) {
        this.pos += close.length;
        // A multi-line string may end with up to two extra quotes before the closing three.
        while (triple && this.text[this.pos] === quote) this.pos++;
        return;
      } else if (ch === '\n' && !triple) {
        return;
      } else {
        this.advance();
      }
    }
  }
}
