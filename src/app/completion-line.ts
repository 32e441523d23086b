// Bash hands a completion function words split at COMP_WORDBREAKS (`:` and `=` included) and still
// quoted, so a job named `deploy: [aws, app1]` arrives in pieces. glci lexes the line up to the
// cursor itself, as the shell would, and turns each candidate into the text readline must insert in
// place of *its* current word (the part after the last unquoted break character, or after an open
// quote), quoted the way the user is typing. Pure: tested with strings.

/** Readline's default word-break characters in bash (COMP_WORDBREAKS). */
const BREAKS = new Set([' ', '\t', '\n', '"', "'", '@', '>', '<', '=', ';', '|', '&', '(', ':']);
/** Characters that never need a backslash outside quotes. */
const PLAIN = /^[A-Za-z0-9_./+%^,-]$/;

export interface LexedLine {
  /** Words before the cursor with quoting removed; the last one is the word being completed (may be ''). */
  words: string[];
  /** The open quote of the word being completed, if any. */
  quote: '"' | "'" | null;
  /** How many characters of the current word's unquoted value lie before readline's word start. */
  replacedFrom: number;
}

interface LexState {
  words: string[];
  value: string;
  quote: '"' | "'" | null;
  inWord: boolean;
  replacedFrom: number;
}

/** Splits a bash command line (up to the cursor) into unquoted words, tracking where readline's word starts. */
export function lexBashLine(line: string): LexedLine {
  const s: LexState = { words: [], value: '', quote: null, inWord: false, replacedFrom: 0 };
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (s.quote) {
      // A closing quote is a word break for readline too.
      if (c === s.quote) Object.assign(s, { quote: null, replacedFrom: s.value.length });
      else if (c === '\\' && s.quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) s.value += line[(i += 1)]!;
      else s.value += c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n') {
      if (s.inWord) s.words.push(s.value);
      Object.assign(s, { value: '', inWord: false, replacedFrom: 0 });
      continue;
    }
    s.inWord = true;
    if (c === '\\' && i + 1 < line.length) {
      s.value += line[(i += 1)]!;
      continue;
    }
    if (c === '"' || c === "'") {
      s.quote = c;
      // Inside an open quote, readline's word starts right after the quote character.
      s.replacedFrom = s.value.length;
      continue;
    }
    s.value += c;
    if (BREAKS.has(c)) s.replacedFrom = s.value.length;
  }
  return { words: [...s.words, s.value], quote: s.quote, replacedFrom: s.replacedFrom };
}

function escapeUnquoted(text: string): string {
  return [...text].map((c) => (PLAIN.test(c) ? c : `\\${c}`)).join('');
}

/** The COMPREPLY entry for one candidate (which starts with the current word's value). */
export function bashReplacement(candidate: string, lexed: LexedLine): string {
  const tail = candidate.slice(lexed.replacedFrom);
  if (lexed.quote === "'") return tail;
  if (lexed.quote === '"') return tail.replace(/["\\$`]/g, (c) => `\\${c}`);
  return escapeUnquoted(tail);
}
