// `script`, `before_script`, `after_script`, `hooks:pre_get_sources_script`: a string or nested
// arrays of strings (≤ 10 levels), flattened. https://docs.gitlab.com/ci/yaml/#script — spec §5.1.
import { isMapping, stringOrNestedStrings } from './shapes.js';
import { checkAllowedKeys } from './keys.js';
import type { Site } from './site.js';

const SHAPE = 'should be a string or a nested array of strings up to 10 levels deep';

/** The command list, or null (reported) when the shape is wrong. */
export function parseCommands(site: Site): string[] | null {
  const commands = stringOrNestedStrings(site.value);
  if (commands === null) {
    const hint = firstNonString(site.value);
    site.config(SHAPE, hint);
  }
  return commands;
}

/** Ruby's `blank?`: nil, false, empty or whitespace-only strings, empty lists and mappings. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isMapping(value)) return Object.keys(value).length === 0;
  return false;
}

const HOOK_KEYS: ReadonlySet<string> = new Set(['pre_get_sources_script']);

/** `hooks: {pre_get_sources_script: <commands>}` (spec §5.26). */
export function parseHooks(site: Site): { preGetSourcesScript: string[] } | undefined {
  if (!isMapping(site.value)) {
    site.config('should be a hash');
    return undefined;
  }
  checkAllowedKeys(site, site.value, HOOK_KEYS);
  const script = site.value.pre_get_sources_script;
  if (script === undefined || script === null) return { preGetSourcesScript: [] };
  return { preGetSourcesScript: parseCommands(site.at('pre_get_sources_script')) ?? [] };
}

/** Explains the usual cause: an unquoted `- echo "a: b"` is read as a mapping. */
function firstNonString(value: unknown): string | undefined {
  const items = Array.isArray(value) ? value.flat(MAXFLAT) : [value];
  const bad = items.find((item) => typeof item !== 'string');
  if (isMapping(bad)) return 'a line was read as a mapping: quote commands that contain ": "';
  if (typeof bad === 'number' || typeof bad === 'boolean') return `quote the value ${String(bad)} to make it a command`;
  if (bad === null) return 'an item is empty';
  return undefined;
}

const MAXFLAT = 20;
