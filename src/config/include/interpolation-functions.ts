// Functions of `$[[ inputs.x | fn ]]` blocks (spec §4.7; GitLab's Interpolation::Functions):
// expand_vars, truncate(offset,length), posix_escape, posix_quote, split('<sep>').
import { expandExisting, type VariableLookup } from './variables.js';

export type FunctionResult = { ok: true; value: unknown } | { ok: false; error: string };
export type InterpolationFunction = (value: unknown) => FunctionResult;

interface FunctionDefinition {
  name: string;
  pattern: RegExp;
  build: (match: RegExpExecArray, variables: VariableLookup) => InterpolationFunction;
}

const fail = (name: string, message: string): FunctionResult => ({ ok: false, error: `error in \`${name}\` function: ${message}` });
const stringOnly = (name: string): FunctionResult => fail(name, `invalid input type: ${name} can only be used with string inputs`);

const DEFINITIONS: FunctionDefinition[] = [
  {
    name: 'expand_vars',
    pattern: /^expand_vars$/,
    build: (_match, variables) => (value) =>
      typeof value === 'string' ? { ok: true, value: expandExisting(value, variables) } : stringOnly('expand_vars'),
  },
  {
    name: 'truncate',
    // GitLab's pattern makes the closing parenthesis optional.
    pattern: /^truncate\(\s*(\d+)\s*,\s*(\d+)\s*\)?$/,
    build: (match) => (value) => {
      if (typeof value !== 'string') return stringOnly('truncate');
      const offset = Number(match[1]);
      const length = Number(match[2]);
      return { ok: true, value: Array.from(value).slice(offset, offset + length).join('') };
    },
  },
  {
    name: 'posix_escape',
    pattern: /^posix_escape$/,
    build: () => (value) => (typeof value === 'string' ? { ok: true, value: shellEscape(value) } : stringOnly('posix_escape')),
  },
  {
    name: 'posix_quote',
    pattern: /^posix_quote$/,
    build: () => (value) => (typeof value === 'string' ? { ok: true, value: shellEscape(value) } : stringOnly('posix_quote')),
  },
  {
    name: 'split',
    pattern: /^split\('([^']*)'\)$/,
    build: (match) => (value) => {
      if (typeof value !== 'string') return stringOnly('split');
      const separator = match[1] ?? '';
      if (separator === '') return fail('split', 'invalid argument: separator cannot be empty');
      // Ruby's `split(" ")` splits on runs of whitespace.
      const parts = separator === ' ' ? value.split(/\s+/) : value.split(separator);
      return { ok: true, value: parts.map((part) => part.trim()).filter((part) => part !== '') };
    },
  },
];

/** The functions of a block, or the error for the first expression that names none. */
export function buildFunctions(expressions: string[], variables: VariableLookup): InterpolationFunction[] | string {
  const functions: InterpolationFunction[] = [];
  for (const expression of expressions) {
    const definition = DEFINITIONS.find((candidate) => candidate.pattern.test(expression));
    const match = definition?.pattern.exec(expression);
    if (!definition || !match) {
      return `no function matching \`${expression}\`: check that the function name, arguments, and types are correct`;
    }
    functions.push(definition.build(match, variables));
  }
  return functions;
}

/** Ruby `Shellwords.shellescape`. */
export function shellEscape(text: string): string {
  if (text === '') return "''";
  return text.replace(/[^A-Za-z0-9_\-.,:+/@\n]/gu, '\\$&').replace(/\n/g, "'\n'");
}
