// RE2 → JavaScript RegExp translation. GitLab evaluates `=~` / `!~` with RE2 (gitlab-ci-yaml.md §6.1,
// §6.3): no look-around, no back-references, flags `i m s U` that may change inside the pattern, `^`/`$`
// anchored to the whole text unless `m`. The pattern is parsed with RE2's grammar (rejecting what RE2
// rejects) and re-emitted as flag-free JavaScript (`u` mode), so inline flag changes keep their scope.
import {
  ClassSet,
  Re2Error,
  Re2Reader,
  emitLiteral,
  parseClass,
  parseEscapeChar,
  parseUnicodeGroup,
  tryPerlGroup,
} from './re2-class.js';

export { Re2Error } from './re2-class.js';

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

interface Item {
  text: string;
  /** Zero-width assertions must be wrapped in a group before JavaScript accepts a quantifier. */
  wrap: boolean;
}

// RE2 refuses counted repetitions above this bound.
const MAX_REPEAT = 1000;

class Re2Translator {
  private readonly r: Re2Reader;
  private readonly names = new Set<string>();

  constructor(pattern: string) {
    this.r = new Re2Reader(pattern);
  }

  translate(flags: Flags): string {
    const out = this.alternation(flags);
    if (!this.r.eof()) throw new Re2Error('unexpected )');
    return out;
  }

  /** Alternatives up to `)` or the end; `(?i)` inside changes `flags` for the rest of the group. */
  private alternation(flags: Flags): string {
    const alternatives = [this.sequence(flags)];
    while (this.r.peek() === '|') {
      this.r.pos++;
      alternatives.push(this.sequence(flags));
    }
    return alternatives.join('|');
  }

  private sequence(flags: Flags): string {
    const items: Item[] = [];
    let lastWasRepeat = false;
    while (!this.r.eof()) {
      const c = this.r.peek();
      if (c === '|' || c === ')') break;
      const repeat = this.readRepeat();
      if (repeat !== null) {
        // `a**` and `a*{2}` are errors in RE2, not nested repetitions.
        if (lastWasRepeat) throw new Re2Error('bad repetition operator');
        applyRepeat(items, repeat, flags.U);
        lastWasRepeat = true;
        continue;
      }
      lastWasRepeat = false;
      const item = this.atom(flags);
      if (item) items.push(...(Array.isArray(item) ? item : [item]));
    }
    return items.map((item) => item.text).join('');
  }

  /** A repetition operator at the reader (consumed), or null. `{` that is not a valid count is a literal. */
  private readRepeat(): { op: string; lazy: boolean } | null {
    const c = this.r.peek();
    let op: string;
    if (c === '*' || c === '+' || c === '?') {
      this.r.pos++;
      op = c;
    } else if (c === '{') {
      const counted = this.readCount();
      if (counted === null) return null;
      op = counted;
    } else {
      return null;
    }
    const lazy = this.r.peek() === '?';
    if (lazy) this.r.pos++;
    return { op, lazy };
  }

  private readCount(): string | null {
    const rest = this.r.cps.slice(this.r.pos, this.r.pos + 24).join('');
    const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!m) return null;
    const [whole, loText, comma, hiText] = m as unknown as [string, string, string | undefined, string | undefined];
    // RE2 reads counts without leading zeros; `{01}` is literal text.
    if (/^0\d/.test(loText) || (hiText !== undefined && /^0\d/.test(hiText))) return null;
    const lo = Number(loText);
    const hi = comma === undefined ? lo : hiText === '' || hiText === undefined ? -1 : Number(hiText);
    if (lo > MAX_REPEAT || hi > MAX_REPEAT || (hi !== -1 && hi < lo)) {
      throw new Re2Error('bad repetition operator');
    }
    this.r.pos += whole.length;
    return comma === undefined ? `{${lo}}` : hi === -1 ? `{${lo},}` : `{${lo},${hi}}`;
  }

  private atom(flags: Flags): Item | Item[] | null {
    const c = this.r.peek()!;
    switch (c) {
      case '(':
        return this.group(flags);
      case '[':
        return { text: parseClass(this.r, flags.i), wrap: false };
      case '.':
        this.r.pos++;
        return { text: flags.s ? '[\\s\\S]' : '[^\\n]', wrap: false };
      case '^':
        this.r.pos++;
        return { text: flags.m ? '(?<![^\\n])' : '^', wrap: true };
      case '$':
        this.r.pos++;
        return { text: flags.m ? '(?![^\\n])' : '$', wrap: true };
      case '\\':
        return this.escape(flags);
      default:
        this.r.pos++;
        return { text: emitLiteral(c.codePointAt(0)!, flags.i), wrap: false };
    }
  }

  private escape(flags: Flags): Item | Item[] {
    const r = this.r;
    const letter = r.peek(1);
    const simple: Record<string, Item> = {
      b: { text: '\\b', wrap: true },
      B: { text: '\\B', wrap: true },
      A: { text: '^', wrap: true },
      z: { text: '$', wrap: true },
      C: { text: '[\\s\\S]', wrap: false },
    };
    if (letter !== undefined && Object.hasOwn(simple, letter)) {
      r.pos += 2;
      return simple[letter]!;
    }
    if (letter === 'Q') return this.quoted(flags);
    const set = new ClassSet();
    if (letter === 'p' || letter === 'P') {
      parseUnicodeGroup(r, set, flags.i);
      return { text: set.emit(false), wrap: false };
    }
    if (tryPerlGroup(r, set, flags.i)) return { text: set.emit(false), wrap: false };
    return { text: emitLiteral(parseEscapeChar(r), flags.i), wrap: false };
  }

  /** `\Q...\E`: everything up to `\E` (or the end) is literal, one item per character. */
  private quoted(flags: Flags): Item[] {
    const r = this.r;
    r.pos += 2;
    const items: Item[] = [];
    while (!r.eof()) {
      if (r.peek() === '\\' && r.peek(1) === 'E') {
        r.pos += 2;
        break;
      }
      items.push({ text: emitLiteral(r.next().codePointAt(0)!, flags.i), wrap: false });
    }
    return items;
  }

  private group(flags: Flags): Item | null {
    const r = this.r;
    r.pos++;
    let open = '(';
    let inner: Flags = { ...flags };
    if (r.peek() === '?') {
      const named = this.namedGroup();
      if (!named) {
        const parsed = this.flagGroup(flags);
        if (parsed === null) return null;
        inner = parsed;
        open = '(?:';
      }
    }
    const body = this.alternation(inner);
    if (r.peek() !== ')') throw new Re2Error('missing )');
    r.pos++;
    return { text: `${open}${body})`, wrap: false };
  }

  /** `(?P<name>` or `(?<name>` (reader after `(`); names are checked but not emitted. */
  private namedGroup(): boolean {
    const r = this.r;
    let start: number;
    if (r.peek(1) === 'P' && r.peek(2) === '<') start = r.pos + 3;
    else if (r.peek(1) === '<' && r.peek(2) !== '=' && r.peek(2) !== '!') start = r.pos + 2;
    else return false;
    const close = r.cps.indexOf('>', start);
    const name = close < 0 ? '' : r.cps.slice(start, close).join('');
    if (!/^\w+$/.test(name) || this.names.has(name)) throw new Re2Error('invalid named capture group');
    this.names.add(name);
    r.pos = close + 1;
    return true;
  }

  /**
   * `(?flags)` or `(?flags:` (reader on `?`). For `(?flags)` the current group's flags change in place and
   * null is returned; for `(?flags:` the flags of the new group are returned. Look-around lands here and fails.
   */
  private flagGroup(flags: Flags): Flags | null {
    const r = this.r;
    r.pos++;
    const next: Flags = { ...flags };
    let negated = false;
    let sawFlag = false;
    for (;;) {
      const c = r.eof() ? '' : r.next();
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        next[c] = !negated;
        sawFlag = true;
      } else if (c === '-' && !negated) {
        negated = true;
        sawFlag = false;
      } else if ((c === ':' || c === ')') && !(negated && !sawFlag)) {
        if (c === ':') return next;
        Object.assign(flags, next);
        return null;
      } else {
        throw new Re2Error('invalid or unsupported Perl syntax');
      }
    }
  }
}

function applyRepeat(items: Item[], repeat: { op: string; lazy: boolean }, ungreedy: boolean): void {
  const prev = items[items.length - 1];
  if (!prev) throw new Re2Error('missing argument to repetition operator');
  // (?U) swaps the meaning of `x*` and `x*?`.
  const lazy = repeat.lazy !== ungreedy;
  prev.text = `${prev.wrap ? `(?:${prev.text})` : prev.text}${repeat.op}${lazy ? '?' : ''}`;
  // A repeated item may be repeated again only after `(?flags)`; wrap it so JavaScript accepts that.
  prev.wrap = true;
}

function parseFlags(flagChars: string): Flags {
  const flags: Flags = { i: false, m: false, s: false, U: false };
  for (const c of flagChars) {
    if (c !== 'i' && c !== 'm' && c !== 's' && c !== 'U') throw new Re2Error(`unknown flag ${c}`);
    flags[c] = true;
  }
  return flags;
}

/** JavaScript source (for the `u` flag) equivalent to the RE2 `pattern` with `(?flagChars)` in front. */
export function translateRe2(pattern: string, flagChars = ''): string {
  return new Re2Translator(pattern).translate(parseFlags(flagChars));
}

/** Compiles an RE2 pattern to a JavaScript RegExp; throws Re2Error when RE2 would reject it. */
export function compileRe2(pattern: string, flagChars = ''): RegExp {
  const source = translateRe2(pattern, flagChars);
  try {
    return new RegExp(source, 'u');
  } catch (cause) {
    throw new Re2Error(`cannot translate RE2 pattern: ${(cause as Error).message}`);
  }
}
