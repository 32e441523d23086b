// The three streaming stages of the runner's log masking, in the runner's order (runner-behavior.md §10.4):
// masked phrases, then sensitive URL parameters, then GitLab token prefixes. Each stage holds back only the
// tail that could still become a match. Text flows between stages as pieces: strings, and MASK markers that
// later stages must not look into (the runner passes an already written `[MASKED]` through untouched).

export const MASK = Symbol('masked');
export type Piece = string | typeof MASK;

export interface MaskStage {
  push(pieces: Piece[]): Piece[];
  flush(): Piece[];
}

/** Length of the longest suffix of `s` (starting at or after `from`) that is a proper prefix of a needle. */
function partialSuffix(s: string, from: number, needles: readonly string[]): number {
  let best = 0;
  for (const needle of needles) {
    // The earliest start whose tail is a prefix of the needle gives the longest candidate.
    for (let p = Math.max(from, s.length - needle.length + 1); p < s.length - best; p++) {
      if (s[p] === needle[0] && needle.startsWith(s.slice(p))) {
        best = s.length - p;
        break;
      }
    }
  }
  return best;
}

function pushText(out: Piece[], text: string): void {
  if (text !== '') out.push(text);
}

/** Replaces every occurrence of one phrase, including occurrences split across pushes. */
export class PhraseStage implements MaskStage {
  private pending = '';

  constructor(private readonly phrase: string) {}

  push(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const piece of pieces) {
      if (piece === MASK) {
        out.push(...this.flush(), MASK);
        continue;
      }
      const s = this.pending + piece;
      let from = 0;
      for (let at = s.indexOf(this.phrase); at >= 0; at = s.indexOf(this.phrase, from)) {
        pushText(out, s.slice(from, at));
        out.push(MASK);
        from = at + this.phrase.length;
      }
      const keep = partialSuffix(s, from, [this.phrase]);
      pushText(out, s.slice(from, s.length - keep));
      this.pending = s.slice(s.length - keep);
    }
    return out;
  }

  flush(): Piece[] {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [rest];
  }
}

// Query parameters whose values the runner masks (urlsanitizer.go), compared case-insensitively.
const URL_PARAM_KEYS = [
  'private_token',
  'authenticity_token',
  'rss_token',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
].map((key) => `${key}=`);

const PARAM_END = /[?&\p{White_Space}\p{Cc}]/u;

function nextSeparator(s: string, from: number): number {
  const question = s.indexOf('?', from);
  const ampersand = s.indexOf('&', from);
  if (question < 0 || ampersand < 0) return Math.max(question, ampersand);
  return Math.min(question, ampersand);
}

/** `?key=value` / `&key=value` with a sensitive key: the value (possibly empty) becomes `[MASKED]`. */
export class UrlParamStage implements MaskStage {
  private pending = '';
  private masking = false;

  push(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const piece of pieces) {
      if (piece !== MASK) {
        this.scan(this.takePending() + piece, out);
      } else if (!this.masking) {
        // A mask inside a value is part of the value, which gets its own mask; elsewhere it passes.
        pushText(out, this.takePending());
        out.push(MASK);
      }
    }
    return out;
  }

  private takePending(): string {
    const p = this.pending;
    this.pending = '';
    return p;
  }

  private scan(s: string, out: Piece[]): void {
    let i = 0;
    while (i < s.length) {
      if (this.masking) {
        while (i < s.length && !PARAM_END.test(s[i]!)) i++;
        if (i < s.length) this.masking = false;
        s = s.slice(i);
        i = 0;
        continue;
      }
      const start = nextSeparator(s, i);
      if (start < 0) break;
      const rest = s.slice(start + 1).toLowerCase();
      const key = URL_PARAM_KEYS.find((k) => rest.startsWith(k));
      if (key) {
        pushText(out, s.slice(0, start + 1 + key.length));
        out.push(MASK);
        this.masking = true;
        s = s.slice(start + 1 + key.length);
        i = 0;
      } else if (rest.length < 21 && URL_PARAM_KEYS.some((k) => k.startsWith(rest))) {
        pushText(out, s.slice(0, start));
        this.pending = s.slice(start);
        return;
      } else {
        i = start + 1;
      }
    }
    if (!this.masking) pushText(out, s);
  }

  flush(): Piece[] {
    this.masking = false;
    const rest = this.takePending();
    return rest === '' ? [] : [rest];
  }
}

/** Token prefixes masked by default (`FF_MASK_ALL_DEFAULT_TOKENS` on), runner-behavior.md §10.4. */
export const DEFAULT_TOKEN_PREFIXES: readonly string[] = [
  'glpat-',
  'gloas-',
  'gldt-',
  'glrt-',
  'glcbt-',
  'glrtr-',
  'glptt-',
  'glft-',
  'glimt-',
  'glagent-',
  'glsoat-',
  'glffct-',
  '_gitlab_session=',
  'gltok-',
];

const TOKEN_CHAR = /[A-Za-z0-9._=-]/;

/** A known token prefix followed by at least one token character: the prefix stays, the run is masked. */
export class TokenPrefixStage implements MaskStage {
  private pending = '';
  private state: 'normal' | 'afterPrefix' | 'inToken' = 'normal';

  constructor(private readonly prefixes: readonly string[]) {}

  push(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const piece of pieces) {
      if (piece === MASK) {
        // A mask does not end a token run: what follows it is still the token.
        pushText(out, this.pending);
        this.pending = '';
        out.push(MASK);
      } else {
        this.scan(this.pending + piece, out);
      }
    }
    return out;
  }

  /** End of the earliest complete prefix at or after `from`, or -1. */
  private nextPrefixEnd(s: string, from: number): number {
    let bestAt = -1;
    let bestEnd = -1;
    for (const prefix of this.prefixes) {
      const at = s.indexOf(prefix, from);
      if (at >= 0 && (bestAt < 0 || at < bestAt)) {
        bestAt = at;
        bestEnd = at + prefix.length;
      }
    }
    return bestEnd;
  }

  private scan(s: string, out: Piece[]): void {
    this.pending = '';
    let i = 0;
    let emitted = 0;
    while (i < s.length) {
      if (this.state === 'afterPrefix') {
        this.state = TOKEN_CHAR.test(s[i]!) ? 'inToken' : 'normal';
        if (this.state === 'inToken') {
          pushText(out, s.slice(emitted, i));
          out.push(MASK);
        }
      } else if (this.state === 'inToken') {
        while (i < s.length && TOKEN_CHAR.test(s[i]!)) i++;
        emitted = i;
        if (i < s.length) this.state = 'normal';
      } else {
        const end = this.nextPrefixEnd(s, i);
        if (end < 0) break;
        i = end;
        this.state = 'afterPrefix';
      }
    }
    const keep = this.state === 'normal' ? partialSuffix(s, Math.max(i, emitted), this.prefixes) : 0;
    pushText(out, s.slice(emitted, s.length - keep));
    this.pending = s.slice(s.length - keep);
  }

  flush(): Piece[] {
    this.state = 'normal';
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [rest];
  }
}
