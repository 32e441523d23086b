// Splitting a CI file into its optional `spec:` header and its content, as GitLab's newest loader
// does (spec §1.1): the text is split on lines starting with `---` + whitespace into at most 3
// pieces, a blank first piece (leading `---`) is dropped, each piece is parsed on its own (only
// its first document counts), pieces that parse to nothing are dropped, and the first document is
// a header only when at least two remain and it is a mapping with a `spec` key; the content is then
// the last document, otherwise the first one.
import { isMap, isScalar, parseAllDocuments, YAMLMap, YAMLSeq, type Document, type Node as YamlNode, type Tags } from 'yaml';
import type { ConfigDiagnostic, SourceLocation } from '../../model/config.js';
import { psychError } from './psych-messages.js';

/** Text positions → 1-based line and column for one file. */
export class LineIndex {
  readonly #starts: number[] = [0];

  constructor(readonly file: string, text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#starts.push(i + 1);
  }

  at(offset: number): SourceLocation {
    const starts = this.#starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { file: this.file, line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  }
}

/** One parsed piece: its YAML AST and where the piece starts in the file. */
export interface ParsedPiece {
  node: YamlNode;
  offset: number;
}

export interface SplitDocuments {
  header: ParsedPiece | null;
  content: ParsedPiece | null;
  errors: ConfigDiagnostic[];
}

const DIVIDER = /^---\s+/gm;
const MAX_PIECES = 3;

// `!reference` is declared so that the parser keeps the node as it is, without an "unresolved tag"
// warning per tag (building those warnings is costly on large files); convert.ts interprets it.
const REFERENCE_TAGS: Tags = [
  { tag: '!reference', collection: 'seq', nodeClass: YAMLSeq, resolve: (node) => node },
  { tag: '!reference', collection: 'map', nodeClass: YAMLMap, resolve: (node) => node },
  { tag: '!reference', resolve: (text: string) => text },
];

// Scalars are resolved by psych-scalar.ts, so the parser keeps them as strings (failsafe schema);
// duplicate keys and `<<` are handled by convert.ts with Psych's semantics.
export const PARSE_OPTIONS = {
  schema: 'failsafe',
  customTags: REFERENCE_TAGS,
  uniqueKeys: false,
  merge: false,
  prettyErrors: false,
  keepSourceTokens: false,
} as const;

/** The parser reports some errors (bad indentation) at the line's start: point at the token instead. */
function firstTokenAt(text: string, offset: number): number {
  let at = offset;
  while (text[at] === ' ' || text[at] === '\t') at += 1;
  return text[at] === undefined || text[at] === '\n' || text[at] === '\r' ? offset : at;
}

export function splitDocuments(text: string, lines: LineIndex): SplitDocuments {
  const errors: ConfigDiagnostic[] = [];
  const pieces = splitPieces(text);
  if (pieces.length > 0 && (pieces[0]?.text.trim() ?? '') === '') pieces.shift();
  const parsed: ParsedPiece[] = [];
  for (const piece of pieces) {
    const document = parseFirstDocument(piece.text);
    if (!document) continue;
    if (document.errors.length > 0) {
      // libyaml stops at its first error, and the package's later ones mostly follow from it.
      for (const error of document.errors.slice(0, 1)) {
        const reworded = psychError({ code: error.code, message: cleanMessage(error.message), offset: error.pos[0] ?? 0 }, piece.text);
        const at = firstTokenAt(piece.text, reworded.offset);
        errors.push({ severity: 'error', message: reworded.message, location: lines.at(piece.offset + at) });
      }
      continue;
    }
    const node = document.contents;
    if (node === null || isNullScalar(node)) continue;
    parsed.push({ node, offset: piece.offset });
  }
  if (errors.length > 0) return { header: null, content: null, errors };
  const first = parsed[0] ?? null;
  if (parsed.length >= 2 && first && hasSpecKey(first.node)) {
    return { header: first, content: parsed[parsed.length - 1] ?? null, errors };
  }
  return { header: null, content: first, errors };
}

function splitPieces(text: string): Array<{ text: string; offset: number }> {
  const pieces: Array<{ text: string; offset: number }> = [];
  let start = 0;
  DIVIDER.lastIndex = 0;
  for (let match = DIVIDER.exec(text); match; match = DIVIDER.exec(text)) {
    if (pieces.length === MAX_PIECES - 1) break;
    pieces.push({ text: text.slice(start, match.index), offset: start });
    start = match.index + match[0].length;
  }
  pieces.push({ text: text.slice(start), offset: start });
  return pieces;
}

function parseFirstDocument(text: string): Document.Parsed | null {
  const documents = parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(documents)) return null;
  return documents[0] ?? null;
}

function isNullScalar(node: YamlNode): boolean {
  if (!isScalar(node) || node.type !== 'PLAIN' || node.tag !== undefined) return false;
  const value = String(node.value);
  return value === '' || value === '~' || /^null$/i.test(value);
}

function hasSpecKey(node: YamlNode): boolean {
  return isMap(node) && node.items.some((pair) => isScalar(pair.key) && pair.key.value === 'spec');
}

/** The parser's message without its own position suffix (the diagnostic carries the position). */
function cleanMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
