// Ruby `File.fnmatch?(glob, path, FNM_PATHNAME | FNM_DOTMATCH | FNM_EXTGLOB)`, the matcher GitLab uses for
// `rules:changes`, `rules:exists` and `only/except:changes` (spec §5.14), compiled to a RegExp.
// Written here rather than with picomatch because picomatch differs from Ruby where it matters:
// `[!a]` is not a negated class there, and a trailing `dir/**` crosses directories (Ruby: like `dir/*`).
//
// Semantics: `*` and `?` never match `/`; `**/` at the start of a segment matches zero or more
// directories; any other `**` is `*`; `[...]` classes (`!` or `^` negate) never match `/`; `{a,b}`
// alternatives may nest and hold globs; `\x` is a literal x; leading dots need no special pattern.

const compiled = new Map<string, RegExp>();

/** Whether `path` (relative, `/`-separated) matches the glob, with GitLab's fnmatch flags. */
export function fnmatch(glob: string, path: string): boolean {
  return globRegExp(glob).test(path);
}

/** The anchored RegExp for a glob (memoised: configurations repeat the same globs across jobs). */
export function globRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (re === undefined) {
    re = new RegExp(`^${new GlobTranslator(glob).translate()}$`, 'u');
    compiled.set(glob, re);
  }
  return re;
}

/** True when the glob has no fnmatch metacharacters, so an exact string comparison decides. */
export function isExactGlob(glob: string): boolean {
  return !/[*?[{\\]/.test(glob);
}

class GlobTranslator {
  private pos = 0;
  private braceDepth = 0;

  constructor(private readonly glob: string) {}

  translate(): string {
    // At the top level nothing stops the sequence: a stray `}` or `,` is a literal.
    return this.sequence('');
  }

  /** Translates until one of `stops` (unconsumed) or the end. */
  private sequence(stops: string): string {
    let out = '';
    while (this.pos < this.glob.length) {
      const c = this.glob[this.pos] ?? '';
      if (stops.includes(c)) break;
      if (c === '\\' && this.pos + 1 < this.glob.length) {
        out += escapeRegExp(this.glob[this.pos + 1] ?? '');
        this.pos += 2;
      } else if (c === '*') {
        out += this.stars();
      } else if (c === '?') {
        out += '[^/]';
        this.pos += 1;
      } else if (c === '[') {
        out += this.bracket();
      } else if (c === '{') {
        out += this.braces();
      } else {
        out += escapeRegExp(c);
        this.pos += 1;
      }
    }
    return out;
  }

  private stars(): string {
    const start = this.pos;
    while (this.glob[this.pos] === '*') this.pos += 1;
    const count = this.pos - start;
    const prev = start === 0 ? '/' : this.glob[start - 1];
    const atSegmentStart = prev === '/' || (this.braceDepth > 0 && (prev === '{' || prev === ','));
    if (count === 2 && atSegmentStart && this.glob[this.pos] === '/') {
      this.pos += 1;
      return '(?:[^/]+/)*';
    }
    return '[^/]*';
  }

  /** `[...]` class; an unterminated `[` is a literal. Classes never match `/` (FNM_PATHNAME). */
  private bracket(): string {
    let i = this.pos + 1;
    let negate = false;
    if (this.glob[i] === '!' || this.glob[i] === '^') {
      negate = true;
      i += 1;
    }
    let body = '';
    let first = true;
    while (i < this.glob.length && (this.glob[i] !== ']' || first)) {
      let c = this.glob[i] ?? '';
      const escaped = c === '\\' && i + 1 < this.glob.length;
      if (escaped) {
        i += 1;
        c = this.glob[i] ?? '';
      }
      const isRange = c === '-' && !escaped && !first && this.glob[i + 1] !== ']';
      body += isRange ? '-' : escapeClassChar(c);
      first = false;
      i += 1;
    }
    if (i >= this.glob.length) {
      this.pos += 1;
      return '\\[';
    }
    this.pos = i + 1;
    return negate ? `[^/${body}]` : `(?!/)[${body}]`;
  }

  /** `{a,b,...}` alternatives; without a matching `}` the `{` is a literal. */
  private braces(): string {
    const save = this.pos;
    this.pos += 1;
    this.braceDepth += 1;
    const alternatives: string[] = [];
    for (;;) {
      alternatives.push(this.sequence(',}'));
      const c = this.glob[this.pos];
      if (c === ',') {
        this.pos += 1;
        continue;
      }
      this.braceDepth -= 1;
      if (c === '}') {
        this.pos += 1;
        return `(?:${alternatives.join('|')})`;
      }
      this.pos = save + 1;
      return '\\{';
    }
  }
}

function escapeRegExp(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function escapeClassChar(c: string): string {
  return /[\]\\^[-]/.test(c) ? `\\${c}` : c;
}
