// `variables` at top level, in jobs, and in `rules`/`workflow:rules`.
// https://docs.gitlab.com/ci/yaml/#variables — spec §2.7, §5.18 (entry/variables.rb, entry/variable.rb).
import type { VariableDefinition, VariableMap } from '../../model/config.js';
import { isMapping, isStringArray } from './shapes.js';
import { scalarString } from './scalars.js';
import type { Site } from './site.js';

/** Detail keys allowed in the mapping form of a variable. */
export const GLOBAL_VARIABLE_KEYS: ReadonlySet<string> = new Set(['value', 'description', 'options', 'expand']);
export const JOB_VARIABLE_KEYS: ReadonlySet<string> = new Set(['value', 'expand']);

const BAD_DEFINITION = 'variable definition must be either a string or a hash';

/** A `variables:` mapping with scalar or `{value, description, options, expand}` entries. */
export function parseVariables(site: Site, allowedKeys: ReadonlySet<string>): VariableMap {
  const out: VariableMap = {};
  if (!isMapping(site.value)) {
    site.config('should be a hash');
    return out;
  }
  for (const [name, raw] of Object.entries(site.value)) {
    const entry = site.at(name);
    const simple = scalarString(site, site.value, name);
    if (simple !== null) out[name] = { value: simple, expand: true };
    else if (isMapping(raw)) {
      const definition = parseDetailed(entry, raw, allowedKeys);
      if (definition) out[name] = definition;
    } else entry.verbatim(BAD_DEFINITION, `variable ${name}`);
  }
  return out;
}

function parseDetailed(site: Site, raw: Record<string, unknown>, allowedKeys: ReadonlySet<string>): VariableDefinition | null {
  let ok = true;
  const extra = Object.keys(raw).filter((key) => !allowedKeys.has(key));
  if (extra.length > 0) {
    site.config(`uses invalid data keys: ${extra.join(', ')}`);
    ok = false;
  }
  const value = raw.value === undefined || raw.value === null ? '' : scalarString(site, raw, 'value');
  if (value === null) {
    ok = fail(site, 'value', 'value must be a scalar');
  }
  const definition: VariableDefinition = { value: value ?? '', expand: true };
  if (raw.description !== undefined && raw.description !== null) {
    if (typeof raw.description === 'string') definition.description = raw.description;
    else ok = fail(site, 'description', 'description must be an alphanumeric string');
  }
  if (raw.expand !== undefined && raw.expand !== null) {
    if (typeof raw.expand === 'boolean') definition.expand = raw.expand;
    else ok = fail(site, 'expand', 'expand should be a boolean value');
  }
  if (raw.options !== undefined && raw.options !== null) {
    if (!isStringArray(raw.options)) ok = fail(site, 'options', 'options should be an array of strings');
    else {
      definition.options = raw.options;
      if (raw.options.length > 0 && !raw.options.includes(definition.value)) {
        ok = fail(site, 'value', 'value must be present in options');
      }
    }
  }
  return ok ? definition : null;
}

/** `<path> config <message>`, pointing at the detail key when it is written. */
function fail(site: Site, key: string, message: string): false {
  site.at(key).as(site.path).config(message);
  return false;
}

/**
 * `rules:variables` / `workflow:rules:variables`: simple `NAME: value` pairs only
 * (a mapping value gives `must be a string`).
 */
export function parseSimpleVariables(site: Site): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMapping(site.value)) {
    site.config('should be a hash');
    return out;
  }
  for (const [name, raw] of Object.entries(site.value)) {
    const simple = scalarString(site, site.value, name);
    if (simple !== null) out[name] = simple;
    else if (isMapping(raw)) site.at(name).config('must be a string');
    else site.at(name).verbatim(BAD_DEFINITION, `variable ${name}`);
  }
  return out;
}
