// `$[[ ... ]]` interpolation of a file's content with its inputs (spec §4.7; GitLab's
// Interpolation::Template, Block and Access). Runs on the parsed tree, keys and values alike:
// a string that is exactly one block takes the block's typed value (a number, a boolean, an
// array — spliced when it is a sequence item); blocks inside longer strings are replaced by their
// Ruby `to_s`. `matrix.*` blocks are left for needs:parallel:matrix.
import type { SourceLocation } from '../../model/config.js';
import type { HookResult, StringHook } from '../yaml/convert.js';
import { isMapping } from '../yaml/mapping.js';
import { rubyToS } from '../yaml/ruby-inspect.js';
import type { InputValue } from './inputs.js';
import { buildFunctions } from './interpolation-functions.js';
import type { VariableLookup } from './variables.js';

export interface InterpolationScope {
  inputs: ReadonlyMap<string, InputValue>;
  /** Declared `spec:component` fields with their values; null when none are declared. */
  component: Readonly<Record<string, string>> | null;
  /** Variables `expand_vars` sees. */
  variables: VariableLookup;
  /** Float flags of nested input values (arrays printed inside strings). */
  isFloat?: (holder: object, key: string | number) => boolean;
}

type BlockResult = { ok: true; value: unknown; float: boolean } | { ok: false; error: string };

const BLOCK = /\$\[\[\s*(\S.*?\S)\s*\]\]/g;
const MAX_BLOCKS = 10_000;
const MAX_FUNCTIONS = 3;
const MAX_ACCESS_OBJECTS = 5;
const MAX_ACCESS_BYTES = 1024;
const MAX_NODE_BYTES = 1024 * 1024;

export function interpolationHook(scope: InterpolationScope, report: (message: string, location: SourceLocation) => void): StringHook {
  const blocks = new Map<string, BlockResult>();
  return (text, location, role): HookResult | null => {
    if (!text.includes('$[[')) return null;
    if (text.length > MAX_NODE_BYTES / 4 && Buffer.byteLength(text, 'utf8') > MAX_NODE_BYTES) {
      report('config node too large', location);
      return null;
    }
    const matches = [...text.matchAll(BLOCK)];
    if (matches.length === 0) return null;
    const results: Array<{ block: string; result: BlockResult & { ok: true } }> = [];
    for (const match of matches) {
      const block = match[0];
      let result = blocks.get(block);
      if (!result) {
        result = evaluateBlock(block, match[1] ?? '', scope);
        blocks.set(block, result);
        if (blocks.size > MAX_BLOCKS) {
          report('too many interpolation blocks', location);
          return null;
        }
      }
      if (!result.ok) {
        report(result.error, location);
        return null;
      }
      results.push({ block, result });
    }
    const first = results[0];
    if (results.length === 1 && first && first.block.length === text.length) {
      const { value, float } = first.result;
      return { value, float, splice: role === 'item' && Array.isArray(value) };
    }
    let out = text;
    const options = { symbolKeys: true, ...(scope.isFloat ? { isFloat: scope.isFloat } : {}) };
    for (const { block, result } of results) out = out.split(block).join(rubyToS(result.value, result.float, options));
    return { value: out, float: false, splice: false };
  };
}

function evaluateBlock(block: string, data: string, scope: InterpolationScope): BlockResult {
  const [access = '', ...expressions] = data.split('|').map((part) => part.trim());
  if (access.split('.')[0] === 'matrix') return { ok: true, value: block, float: false };
  const accessed = evaluateAccess(access, scope);
  if (!accessed.ok) return accessed;
  if (expressions.length > MAX_FUNCTIONS) return { ok: false, error: 'too many functions in interpolation block' };
  const functions = buildFunctions(expressions, scope.variables);
  if (typeof functions === 'string') return { ok: false, error: functions };
  let value = accessed.value;
  for (const fn of functions) {
    const output = fn(value);
    if (!output.ok) return output;
    value = output.value;
  }
  return { ok: true, value, float: functions.length === 0 && accessed.float };
}

function evaluateAccess(access: string, scope: InterpolationScope): BlockResult {
  const objects = splitLimit(access, '.', MAX_ACCESS_OBJECTS);
  if (objects.length <= 1) return { ok: false, error: 'invalid interpolation access pattern' };
  if (Buffer.byteLength(access, 'utf8') > MAX_ACCESS_BYTES) return { ok: false, error: 'maximum interpolation expression size exceeded' };
  const [root = '', name = '', ...rest] = objects;
  const unknown = (key: string): BlockResult => ({ ok: false, error: `unknown interpolation key: \`${key}\`` });
  let value: unknown;
  let float = false;
  if (root === 'inputs') {
    const input = scope.inputs.get(name);
    if (!input) return unknown(name);
    ({ value, float } = input);
  } else if (root === 'component' && scope.component) {
    if (!Object.prototype.hasOwnProperty.call(scope.component, name)) return unknown(name);
    value = scope.component[name];
  } else {
    return unknown(root);
  }
  for (const key of rest) {
    if (!isMapping(value) || !Object.prototype.hasOwnProperty.call(value, key)) return unknown(key);
    value = value[key];
    float = false;
  }
  return { ok: true, value, float };
}

/** Ruby `split(separator, limit)`: at most `limit` parts, the last one keeps the rest. */
function splitLimit(text: string, separator: string, limit: number): string[] {
  const parts = text.split(separator);
  if (parts.length <= limit) return parts;
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(separator)];
}
