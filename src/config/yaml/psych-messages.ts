// GitLab loads CI YAML with Ruby's Psych, whose syntax errors are libyaml's problem and context
// texts (`mapping values are not allowed in this context`, `did not find expected key while
// parsing a block mapping`). The `yaml` package words the same mistakes its own way; the common
// ones are reworded here so that a user can search for the text GitLab shows. Anything else keeps
// the package's wording. Sources: libyaml src/scanner.c and src/parser.c (the message strings),
// Psych lib/psych/syntax_error.rb (`problem context`), lib/psych/exception.rb (unknown anchor).

/** What the `yaml` package reports: its error code, message (position suffix removed), offset. */
export interface ParserError {
  code: string;
  message: string;
  offset: number;
}

export interface PsychError {
  message: string;
  /** Where to point: libyaml's mark when it is another place than the package's. */
  offset: number;
}

const MAPPING_VALUES = 'mapping values are not allowed in this context';
const BLOCK_MAPPING_KEY = 'did not find expected key while parsing a block mapping';
const NO_TOKEN = 'found character that cannot start any token while scanning for the next token';

/** libyaml's wording of `error`, found in `text` (the parsed piece). */
export function psychError(error: ParserError, text: string): PsychError {
  const { code, message, offset } = error;
  const keep = { message, offset };
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      // `a: b: c`: libyaml's scanner stops at the second `:`.
      return message.startsWith('Nested mappings') ? { message: MAPPING_VALUES, offset: nextValueIndicator(text, offset) } : keep;
    case 'MULTILINE_IMPLICIT_KEY':
      // A key on a line of its own (`job` without its colon) runs on as a multi-line plain scalar
      // into the next `key:`; a `- item` under a mapping is a sequence where a key was expected.
      return text.startsWith('-', offset)
        ? { message: BLOCK_MAPPING_KEY, offset }
        : { message: MAPPING_VALUES, offset: nextValueIndicator(text, offset) };
    case 'BAD_INDENT':
      return badIndent(message, text, offset) ?? keep;
    case 'MISSING_CHAR':
      return /^Missing closing ["']quote/.test(message) ? { message: 'found unexpected end of stream while scanning a quoted scalar', offset } : keep;
    case 'TAB_AS_INDENT':
    case 'BAD_SCALAR_START':
      return { message: NO_TOKEN, offset };
    case 'BAD_DQ_ESCAPE':
      return { message: 'found unknown escape character while parsing a quoted scalar', offset };
    default:
      return keep;
  }
}

function badIndent(message: string, text: string, offset: number): PsychError | null {
  if (message.startsWith('All mapping items must start at the same column')) return { message: BLOCK_MAPPING_KEY, offset };
  // libyaml does not check indentation inside flow collections, so these only match it when the
  // collection is never closed.
  if (message.startsWith('Flow sequence') && !text.includes(']', offset)) {
    return { message: "did not find expected ',' or ']' while parsing a flow sequence", offset };
  }
  if (message.startsWith('Flow map') && !text.includes('}', offset)) {
    return { message: "did not find expected ',' or '}' while parsing a flow mapping", offset };
  }
  return null;
}

/** The next `:` followed by a space or line end (a mapping value indicator), else `offset`. */
function nextValueIndicator(text: string, offset: number): number {
  const match = /:(?=[ \t\r\n]|$)/.exec(text.slice(offset));
  return match ? offset + match.index : offset;
}

/** Psych 4+ (`Psych::AnchorNotDefined`); older Psych said `Unknown alias: <name>`. */
export function unknownAnchorMessage(name: string): string {
  return `An alias referenced an unknown anchor: ${name}`;
}
