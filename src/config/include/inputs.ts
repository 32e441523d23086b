// `spec:inputs` of a file header and the values given to it (spec §4.7; GitLab's Header::Input
// entry checks and Interpolation::Inputs). Every problem is collected, worded as GitLab words it:
// `` `<name>` input: required value has not been provided ``, `unknown input arguments: <names>`...
import { evaluateExpression, type InputValue as ExpressionInput } from '../../expr/index.js';
import type { RawMapping } from '../raw.js';
import type { LocationTable } from '../yaml/location-table.js';
import { isMapping } from '../yaml/mapping.js';
import { rubyToS } from '../yaml/ruby-inspect.js';
import { checkHeader } from './header.js';

export interface InputValue {
  value: unknown;
  /** A YAML float (prints "1.0"). */
  float: boolean;
}

export interface HeaderInputs {
  values: Map<string, InputValue>;
  /** `spec:component` fields exposed as `$[[ component.* ]]`, or null when not declared. */
  component: string[] | null;
  errors: string[];
}

/** Given inputs: the mapping (an include's `inputs:` or the pipeline inputs) and its float flags. */
export interface GivenInputs {
  values: RawMapping;
  isFloat: (name: string) => boolean;
}

export function evaluateInputs(header: RawMapping, given: GivenInputs | null, table: LocationTable): HeaderInputs {
  const values = new Map<string, InputValue>();
  const headerErrors = checkHeader(header);
  if (headerErrors.length > 0) return { values, component: null, errors: headerErrors };
  const spec = isMapping(header.spec) ? header.spec : {};
  const specs = isMapping(spec.inputs) ? spec.inputs : {};
  const component = Array.isArray(spec.component) ? spec.component.map(String) : null;
  const errors: string[] = [];
  const args = given?.values ?? {};
  const unknown = Object.keys(args).filter((name) => !Object.prototype.hasOwnProperty.call(specs, name));
  if (unknown.length > 0) errors.push(`unknown input arguments: ${unknown.join(', ')}`);
  for (const [name, raw] of Object.entries(specs)) {
    const definition = effectiveDefinition(isMapping(raw) ? raw : {}, specs, args);
    const provided = args[name] === undefined ? null : args[name];
    const problems = validateInput(name, definition.spec, provided);
    errors.push(...problems);
    if (problems.length > 0) continue;
    if (provided !== null) values.set(name, { value: provided, float: given?.isFloat(name) ?? false });
    else values.set(name, { value: definition.spec.default, float: definition.holder ? table.isFloat(definition.holder, 'default') : false });
  }
  return { values, component, errors };
}

/** Checks one input the way GitLab's BaseInput#validate! does; returns its messages. */
function validateInput(name: string, spec: RawMapping, provided: unknown): string[] {
  const errors: string[] = [];
  const error = (message: string): void => {
    errors.push(`\`${name}\` input: ${message}`);
  };
  const required = !Object.prototype.hasOwnProperty.call(spec, 'default');
  if (required && provided === null) {
    error('required value has not been provided');
    return errors;
  }
  const type = typeof spec.type === 'string' ? spec.type : 'string';
  if (!required) checkValue(type, spec, spec.default, 'default', error);
  if (provided !== null) checkValue(type, spec, provided, 'provided', error);
  return errors;
}

function checkValue(type: string, spec: RawMapping, value: unknown, which: 'default' | 'provided', error: (m: string) => void): void {
  if (!hasType(type, value)) error(`${which} value is not ${type === 'array' ? 'an' : 'a'} ${type}`);
  const options = Array.isArray(spec.options) ? spec.options : null;
  if (options && (type === 'boolean' || type === 'array')) error('Options can only be used with string and number inputs');
  else if (options && value !== null && value !== undefined && !options.includes(value)) {
    const list = type === 'number' ? 'the list of the allowed options' : 'the list of allowed options';
    error(`\`${rubyToS(value, false)}\` cannot be used because it is not in ${list}`);
  }
  if (!Object.prototype.hasOwnProperty.call(spec, 'regex')) return;
  if (type !== 'string') {
    error('RegEx validation can only be used with string inputs');
    return;
  }
  if (typeof value !== 'string') return;
  const regexp = compileRegex(spec.regex);
  if (!regexp) error('invalid regular expression');
  else if (!regexp.test(value)) error(`${which} value does not match required RegEx pattern`);
}

function hasType(type: string, value: unknown): boolean {
  if (type === 'number') return typeof value === 'number' || typeof value === 'bigint';
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'array') return Array.isArray(value);
  return typeof value === 'string';
}

/** GitLab matches with RE2; JavaScript's engine agrees on the common syntax. `(?i)` becomes a flag. */
function compileRegex(source: unknown): RegExp | null {
  if (typeof source !== 'string') return null;
  const insensitive = source.startsWith('(?i)');
  try {
    return new RegExp(insensitive ? source.slice(4) : source, insensitive ? 'iu' : 'u');
  } catch {
    return null;
  }
}

/**
 * An input with `rules:` (GitLab 18.7) takes `options` and `default` from its first rule whose `if`
 * holds (or that has no `if`); `$[[ inputs.x ]]` operands are the other inputs' values.
 */
function effectiveDefinition(spec: RawMapping, specs: RawMapping, args: RawMapping): { spec: RawMapping; holder: RawMapping | null } {
  if (!Array.isArray(spec.rules)) return { spec, holder: spec };
  for (const rule of spec.rules) {
    if (!isMapping(rule)) continue;
    const inputs = (name: string): ExpressionInput | undefined => operandValue(name, specs, args);
    if (typeof rule.if === 'string' && !evaluateExpression(rule.if, () => undefined, { inputs })) continue;
    const chosen = withoutRules(spec);
    if (rule.options !== undefined) chosen.options = rule.options;
    if (Object.prototype.hasOwnProperty.call(rule, 'default') && rule.default !== null) chosen.default = rule.default;
    return { spec: chosen, holder: Object.prototype.hasOwnProperty.call(rule, 'default') ? rule : null };
  }
  return { spec: withoutRules(spec), holder: null };
}

function withoutRules(spec: RawMapping): RawMapping {
  const out: RawMapping = {};
  for (const [key, value] of Object.entries(spec)) if (key !== 'rules') out[key] = value;
  return out;
}

/** An input's value for `$[[ inputs.x ]]` operands of input rules: given, else its default. */
function operandValue(name: string, specs: RawMapping, args: RawMapping): ExpressionInput | undefined {
  const spec = specs[name];
  const value = args[name] ?? (isMapping(spec) ? spec.default : undefined);
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return rubyToS(value, false);
}
