// Job `inherit:` — which `default:` keys and which top-level variables a job receives.
// https://docs.gitlab.com/ci/yaml/#inherit — spec §2.5 (entry/inherit.rb, inherit/{default,variables}.rb).
import { checkAllowedKeys } from './keys.js';
import { isMapping, isStringArray } from './shapes.js';
import type { Site } from './site.js';

const KEYS: ReadonlySet<string> = new Set(['default', 'variables']);

export interface Inheritance {
  /** true, false, or the `default:` keys to receive. */
  default: boolean | string[];
  /** true, false, or the top-level variable names to receive. */
  variables: boolean | string[];
}

export const INHERIT_ALL: Inheritance = Object.freeze({ default: true, variables: true }) as Inheritance;

export function parseInherit(site: Site, defaultKeys: ReadonlySet<string>): Inheritance {
  const raw = site.value;
  if (raw === undefined || raw === null) return INHERIT_ALL;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return INHERIT_ALL;
  }
  checkAllowedKeys(site, raw, KEYS);
  const out: Inheritance = { default: true, variables: true };
  const defaults = boolOrNames(site.at('default'));
  if (defaults !== null) {
    const unknown = Array.isArray(defaults) ? defaults.filter((key) => !defaultKeys.has(key)) : [];
    if (unknown.length > 0) site.at('default').config(`contains unknown values: ${unknown.join(', ')}`);
    else out.default = defaults;
  }
  const variables = boolOrNames(site.at('variables'));
  if (variables !== null) out.variables = variables;
  return out;
}

function boolOrNames(site: Site): boolean | string[] | null {
  const raw = site.value;
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'boolean' || isStringArray(raw)) return raw;
  site.config('should be a bool or array of strings');
  return null;
}

/** Whether the job receives `default:<key>`. */
export function inheritsDefault(inheritance: Inheritance, key: string): boolean {
  const setting = inheritance.default;
  return Array.isArray(setting) ? setting.includes(key) : setting;
}
