// Resolution of plain (unquoted, untagged) scalars the way Ruby's Psych does it
// (Psych::ScalarScanner#tokenize), because GitLab loads CI YAML with Psych (YAML 1.1 rules):
// `yes`/`on` are booleans, `y`/`n` strings, `1.10` the float 1.1, `1,000` the integer 1000,
// `1:30` the integer 5400, `:foo` a Symbol, dates a load error. Spec §1.1.

export interface PsychScalar {
  value: unknown;
  /** Ruby Float (so `1.0` is later printed "1.0"). */
  float: boolean;
}

/** A scalar Psych refuses to load in safe mode (dates and times). */
export class DisallowedScalarError extends Error {}

const STRINGISH = /^[^\d.:-]?[\p{L}\p{M}_\s!@#$%^&*(){}<>|/\\~;=]+/u;
const TIME = /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$/;
const DATE = /^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$/;
const SEXAGESIMAL_INT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$/;
const SEXAGESIMAL_FLOAT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}\.[0-9_]*$/;
const FLOAT = /^[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?$/;
// Psych's INTEGER_LEGACY (commas allowed), which is what safe_load uses.
const INTEGER =
  /^(?:[-+]?0b[_,]*[0-1][0-1_,]*|[-+]?0[_,]*[0-7][0-7_,]*|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[_,]*[0-9a-fA-F][0-9a-fA-F_,]*)$/;

const str = (value: string): PsychScalar => ({ value, float: false });
const flt = (value: number): PsychScalar => ({ value, float: true });

export function resolvePlainScalar(text: string): PsychScalar {
  if (text === '') return { value: null, float: false };
  if (STRINGISH.test(text) || text.includes('\n')) return keywordOrString(text);
  if (TIME.test(text)) throw new DisallowedScalarError('Tried to load unspecified class: Time');
  if (DATE.test(text)) throw new DisallowedScalarError('Tried to load unspecified class: Date');
  if (/^\+?\.inf$/i.test(text)) return flt(Infinity);
  if (/^-\.inf$/i.test(text)) return flt(-Infinity);
  if (/^\.nan$/i.test(text)) return flt(NaN);
  if (/^:./.test(text)) return str(symbolName(text));
  if (SEXAGESIMAL_INT.test(text)) return integer(sexagesimal(text, rubyToI));
  if (SEXAGESIMAL_FLOAT.test(text)) return flt(sexagesimal(text, rubyToF));
  if (FLOAT.test(text)) {
    if (/^[-+]?\.$/.test(text)) return str(text);
    return flt(Number(text.replace(/[,_]/g, '').replace(/\.([Ee]|$)/, '$1')));
  }
  if (INTEGER.test(text)) return integer(parseRubyInteger(text.replace(/[,_]/g, '')));
  return str(text);
}

/** Short words starting with y/t/o/n/f/~ may be booleans or null; anything else is a string. */
function keywordOrString(text: string): PsychScalar {
  if (text.length > 5 || /^[^ytonf~]/i.test(text)) return str(text);
  if (text === '~' || /^null$/i.test(text)) return { value: null, float: false };
  if (/^(yes|true|on)$/i.test(text)) return { value: true, float: false };
  if (/^(no|false|off)$/i.test(text)) return { value: false, float: false };
  return str(text);
}

/** `:foo` and `:"foo"` load as the Symbol :foo, which GitLab later turns back into "foo". */
function symbolName(text: string): string {
  const quoted = /^:(["'])(.*)\1/.exec(text);
  return (quoted ? (quoted[2] ?? '') : text.slice(1)).replace(/^:/, '');
}

/** Psych sums `part * 60 ** |index - 2|`, so `1:30` is 5400 (as if it were `1:30:00`). */
function sexagesimal(text: string, parse: (part: string) => number): number {
  return text.split(':').reduce((sum, part, index) => sum + parse(part) * 60 ** Math.abs(index - 2), 0);
}

function rubyToI(part: string): number {
  const match = /^[-+]?\d+(?:_\d+)*/.exec(part);
  return match ? Number(match[0].replace(/_/g, '')) : 0;
}

function rubyToF(part: string): number {
  const match = /^[-+]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?/.exec(part);
  return match ? Number(match[0].replace(/_/g, '')) : 0;
}

/** Ruby `Integer("0x1f")`, `Integer("017")` (octal), `Integer("0b11")`, decimal otherwise. */
function parseRubyInteger(text: string): bigint {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[-+]/, '');
  let value: bigint;
  if (/^0x/i.test(unsigned)) value = BigInt(unsigned);
  else if (/^0b/i.test(unsigned)) value = BigInt(unsigned);
  else if (unsigned.length > 1 && unsigned.startsWith('0')) value = BigInt(`0o${unsigned.slice(1)}`);
  else value = BigInt(unsigned);
  return negative ? -value : value;
}

/** Integers stay JavaScript numbers while exact; larger ones become bigint (Ruby has no limit). */
function integer(value: bigint | number): PsychScalar {
  if (typeof value === 'number') return { value, float: false };
  const asNumber = Number(value);
  return { value: Number.isSafeInteger(asNumber) ? asNumber : value, float: false };
}
