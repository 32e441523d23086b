// RE2 character classes and escapes, translated to JavaScript (`u` flag) syntax. GitLab compiles every
// expression regexp with RE2 (gitlab-ci-yaml.md §6.1), whose classes differ from JavaScript's: `\s` is
// `[\t\n\f\r ]`, `]` may open a class, POSIX `[:alpha:]` names exist, and case folding is a flag that can
// change mid-pattern. Classes are therefore rebuilt as explicit code-point ranges and emitted without flags.

/** The pattern is not valid RE2 syntax (GitLab rejects it the same way). */
export class Re2Error extends Error {}

export type Range = readonly [number, number];

const MAX_CP = 0x10ffff;

/** Code-point cursor over the pattern text. */
export class Re2Reader {
  readonly cps: string[];
  pos = 0;

  constructor(src: string) {
    this.cps = Array.from(src);
  }

  eof(): boolean {
    return this.pos >= this.cps.length;
  }

  peek(offset = 0): string | undefined {
    return this.cps[this.pos + offset];
  }

  next(): string {
    const c = this.cps[this.pos];
    if (c === undefined) throw new Re2Error('unexpected end of pattern');
    this.pos++;
    return c;
  }
}

const ASCII_ALNUM = /^[A-Za-z0-9]$/;
const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
// RE2's \s is exactly [\t\n\f\r ] (no \v, no Unicode spaces), unlike JavaScript's \s.
const SPACE: Range[] = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];

const PERL_GROUPS: Record<string, Range[]> = { d: DIGIT, s: SPACE, w: WORD };

const POSIX_GROUPS: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: DIGIT,
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};

const GENERAL_CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

// Case-fold orbits that toLowerCase/toUpperCase alone do not reveal (RE2 folds with Unicode simple folding).
const EXTRA_FOLDS: Record<number, number[]> = {
  0x4b: [0x212a], 0x6b: [0x212a], 0x212a: [0x4b, 0x6b],
  0x53: [0x17f], 0x73: [0x17f], 0x17f: [0x53, 0x73],
  0xc5: [0x212b], 0xe5: [0x212b], 0x212b: [0xc5, 0xe5],
};

/** The code points that match `cp` case-insensitively (including `cp`). */
export function caseVariants(cp: number): number[] {
  const out = new Set<number>([cp]);
  const s = String.fromCodePoint(cp);
  for (const v of [s.toLowerCase(), s.toUpperCase(), s.toUpperCase().toLowerCase(), s.toLowerCase().toUpperCase()]) {
    const cps = Array.from(v);
    if (cps.length === 1) out.add(cps[0]!.codePointAt(0)!);
  }
  for (const extra of EXTRA_FOLDS[cp] ?? []) out.add(extra);
  return [...out];
}

function normalize(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

// Folding walks each range code point by code point; huge ranges (\p{Any}-like) already hold their case
// partners, so the walk is capped to keep compilation cheap.
const FOLD_WALK_LIMIT = 0x4000;

function fold(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    const end = Math.min(hi, lo + FOLD_WALK_LIMIT);
    for (let cp = lo; cp <= end; cp++) {
      for (const v of caseVariants(cp)) if (v < lo || v > hi) out.push([v, v]);
    }
  }
  return normalize(out);
}

function emitCp(cp: number): string {
  const s = String.fromCodePoint(cp);
  return ASCII_ALNUM.test(s) ? s : `\\u{${cp.toString(16)}}`;
}

/** A set of code points built the RE2 way, emitted as one JavaScript class. */
export class ClassSet {
  private ranges: Range[] = [];
  private readonly props: string[] = [];

  add(ranges: Range[], foldCase: boolean, negate = false): void {
    // RE2 folds a group before negating it, so (?i)\W also excludes the partners of word characters.
    const folded = foldCase ? fold(ranges) : ranges;
    this.ranges.push(...(negate ? complement(folded) : folded));
  }

  addProperty(escape: string): void {
    this.props.push(escape);
  }

  emit(negated: boolean): string {
    const body = normalize(this.ranges)
      .map(([lo, hi]) => (lo === hi ? emitCp(lo) : `${emitCp(lo)}-${emitCp(hi)}`))
      .join('');
    return `[${negated ? '^' : ''}${body}${this.props.join('')}]`;
  }
}

/** `\d \D \s \S \w \W` at the reader (which is on the backslash), or null when it is another escape. */
export function tryPerlGroup(r: Re2Reader, set: ClassSet, foldCase: boolean): boolean {
  const letter = r.peek(1);
  if (r.peek() !== '\\' || letter === undefined) return false;
  const ranges = PERL_GROUPS[letter.toLowerCase()];
  if (!ranges || !'dswDSW'.includes(letter)) return false;
  r.pos += 2;
  set.add(ranges, foldCase, letter !== letter.toLowerCase());
  return true;
}

/** `\pL`, `\p{Greek}`, `\P{Lu}`, `\p{^Lu}` at the reader; adds it to `set`. */
export function parseUnicodeGroup(r: Re2Reader, set: ClassSet, foldCase: boolean): void {
  const negatedEscape = r.peek(1) === 'P';
  r.pos += 2;
  let name = r.next();
  if (name === '{') {
    const close = r.cps.indexOf('}', r.pos);
    if (close < 0) throw new Re2Error('invalid character class range: missing }');
    name = r.cps.slice(r.pos, close).join('');
    r.pos = close + 1;
  }
  let negated = negatedEscape;
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  if (name === 'Any') {
    set.add([[0, MAX_CP]], false, negated);
    return;
  }
  set.addProperty(propertyEscape(name, negated, foldCase));
}

function propertyEscape(name: string, negated: boolean, foldCase: boolean): string {
  const p = negated ? 'P' : 'p';
  if (GENERAL_CATEGORIES.has(name)) {
    // Folding a cased-letter category yields all cased letters (approximation of RE2's per-rune folding).
    const category = foldCase && (name === 'Lu' || name === 'Ll' || name === 'Lt') ? 'LC' : name;
    return `\\${p}{${category}}`;
  }
  if (!/^[A-Za-z_]+$/.test(name)) throw new Re2Error(`invalid character class range: \\p{${name}}`);
  const escape = `\\${p}{Script=${name}}`;
  try {
    new RegExp(escape, 'u');
  } catch {
    throw new Re2Error(`invalid character class range: \\p{${name}}`);
  }
  return escape;
}

/** `[:alpha:]` / `[:^alpha:]` inside a class; false when the text is not a POSIX name (then `[` is literal). */
function tryPosixGroup(r: Re2Reader, set: ClassSet, foldCase: boolean): boolean {
  if (r.peek() !== '[' || r.peek(1) !== ':') return false;
  for (let q = r.pos + 2; q + 1 < r.cps.length; q++) {
    if (r.cps[q] !== ':' || r.cps[q + 1] !== ']') continue;
    let name = r.cps.slice(r.pos + 2, q).join('');
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const ranges = Object.hasOwn(POSIX_GROUPS, name) ? POSIX_GROUPS[name] : undefined;
    if (!ranges) throw new Re2Error(`invalid character class range: [:${name}:]`);
    r.pos = q + 2;
    set.add(ranges, foldCase, negated);
    return true;
  }
  return false;
}

function parseOctal(r: Re2Reader, first: string): number {
  let code = Number(first);
  for (let i = 0; i < 2; i++) {
    const d = r.peek();
    if (d === undefined || d < '0' || d > '7') break;
    code = code * 8 + Number(d);
    r.pos++;
  }
  return code;
}

function parseHex(r: Re2Reader): number {
  const isHex = (c: string | undefined): c is string => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
  const c = r.next();
  if (c !== '{') {
    const c1 = r.next();
    if (!isHex(c) || !isHex(c1)) throw new Re2Error('invalid escape sequence: \\x');
    return parseInt(c + c1, 16);
  }
  let digits = '';
  while (isHex(r.peek())) digits += r.next();
  if (digits === '' || r.peek() !== '}' || parseInt(digits, 16) > MAX_CP) {
    throw new Re2Error('invalid escape sequence: \\x{');
  }
  r.pos++;
  return parseInt(digits, 16);
}

const C_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, a: 0x07, f: 0x0c, v: 0x0b };

/** A single-character escape (reader on the backslash): octal, hex, C escapes or escaped punctuation. */
export function parseEscapeChar(r: Re2Reader): number {
  r.pos++;
  if (r.eof()) throw new Re2Error('trailing \\');
  const c = r.next();
  if (c >= '1' && c <= '7') {
    // A lone \1..\7 would be a back-reference, which RE2 does not support.
    const n = r.peek();
    if (n === undefined || n < '0' || n > '7') throw new Re2Error(`invalid escape sequence: \\${c}`);
    return parseOctal(r, c);
  }
  if (c === '0') return parseOctal(r, c);
  if (c === 'x') return parseHex(r);
  const cEscape = C_ESCAPES[c];
  if (cEscape !== undefined) return cEscape;
  const cp = c.codePointAt(0)!;
  if (cp < 0x80 && !ASCII_ALNUM.test(c)) return cp;
  throw new Re2Error(`invalid escape sequence: \\${c}`);
}

function parseClassChar(r: Re2Reader): number {
  if (r.peek() === '\\') return parseEscapeChar(r);
  return r.next().codePointAt(0)!;
}

/** A bracketed class (reader on `[`), returned as JavaScript class syntax. */
export function parseClass(r: Re2Reader, foldCase: boolean): string {
  r.pos++;
  const negated = r.peek() === '^';
  if (negated) r.pos++;
  const set = new ClassSet();
  let first = true;
  while (!r.eof() && (r.peek() !== ']' || first)) {
    first = false;
    if (tryPosixGroup(r, set, foldCase)) continue;
    if (r.peek() === '\\' && (r.peek(1) === 'p' || r.peek(1) === 'P')) {
      parseUnicodeGroup(r, set, foldCase);
      continue;
    }
    if (tryPerlGroup(r, set, foldCase)) continue;
    const lo = parseClassChar(r);
    let hi = lo;
    // `[a-]` means a or `-`: a dash starts a range only when something other than `]` follows.
    if (r.peek() === '-' && r.peek(1) !== undefined && r.peek(1) !== ']') {
      r.pos++;
      hi = parseClassChar(r);
      if (hi < lo) throw new Re2Error('invalid character class range');
    }
    set.add([[lo, hi]], foldCase);
  }
  if (r.eof()) throw new Re2Error('missing closing ]');
  r.pos++;
  return set.emit(negated);
}

/** One literal code point, as a class of its case variants when folding. */
export function emitLiteral(cp: number, foldCase: boolean): string {
  if (foldCase) {
    const variants = caseVariants(cp);
    if (variants.length > 1) {
      const set = new ClassSet();
      set.add(variants.map((v): Range => [v, v]), false);
      return set.emit(false);
    }
  }
  return emitCp(cp);
}
