// The `include` keyword's accepted forms (spec §4.1): a string, a mapping, or a list of them.
// Strings are variable-expanded and become `remote` (an http(s) URL) or `local`; mappings must
// use exactly one location key. Checks and messages follow GitLab's Entry::Include and
// External::Mapper (Normalizer, Matcher).
import type { SourceLocation } from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import type { LocationTable } from '../yaml/location-table.js';
import { isMapping } from '../yaml/mapping.js';
import { ReferenceTag } from '../yaml/reference-tag.js';
import { expandVariables, type VariableLookup } from './variables.js';

export interface IncludeEntry {
  /** The mapping form (strings are normalized to `{local}` or `{remote}`). */
  params: RawMapping;
  /** Where the entry is written. */
  location: SourceLocation | null;
  /** The node holding `params`' values as written (for float flags of `inputs`). */
  holder: RawMapping | null;
}

export type LocationType = 'local' | 'project' | 'remote' | 'template' | 'artifact' | 'component';

export const LOCATION_TYPES: readonly LocationType[] = ['local', 'project', 'remote', 'template', 'artifact', 'component'];
const ALLOWED_KEYS = new Set(['local', 'file', 'remote', 'project', 'ref', 'integrity', 'template', 'artifact', 'inputs', 'job', 'rules', 'component']);
const SUBKEYS = LOCATION_TYPES.map((type) => `\`${type}\``).join(', ');

/** `Array.wrap(include).compact`, each item with its location. */
export function listEntries(value: unknown, holder: RawMapping, table: LocationTable): Array<{ raw: unknown; location: SourceLocation | null }> {
  if (Array.isArray(value)) {
    return value.flatMap((raw, index) => (raw === null || raw === undefined ? [] : [{ raw, location: table.locate(value, index) }]));
  }
  if (value === null || value === undefined) return [];
  const own = typeof value === 'object' ? table.locate(value) : null;
  return [{ raw: value, location: own ?? table.locate(holder, 'include') }];
}

/** Normalizes one entry; returns the error message when it is malformed. */
export function normalizeEntry(raw: unknown, location: SourceLocation | null, variables: VariableLookup): IncludeEntry | string {
  if (typeof raw === 'string') {
    const expanded = expandVariables(raw, variables);
    return { params: isRemoteUrl(expanded) ? { remote: expanded } : { local: expanded }, location, holder: null };
  }
  if (raw instanceof ReferenceTag) return `\`${raw.inspect()}\` cannot build an include entry: include is resolved before !reference tags`;
  if (!isMapping(raw)) return `\`${JSON.stringify(raw)}\` does not have a valid subkey for include. Valid subkeys are: ${SUBKEYS}`;
  // GitLab's Matcher runs before the entry's key check: a mapping naming no include type at all
  // (`{yolo: x}`, `{name: x}`) is refused as having no valid subkey, not for its unknown keys.
  if (!LOCATION_TYPES.some((type) => isPresent(raw[type]))) return noValidSubkey(raw);
  const unknown = Object.keys(raw).filter((key) => !ALLOWED_KEYS.has(key));
  if (unknown.length > 0) return `include config contains unknown keys: ${unknown.join(', ')}`;
  if (isPresent(raw.project) && !isPresent(raw.file)) return 'include config must specify the file where to fetch the config from';
  if (isPresent(raw.artifact) && !isPresent(raw.job)) return 'include config must specify the job where to fetch the artifact from';
  const integrityProblem = checkIntegrity(raw);
  if (integrityProblem) return integrityProblem;
  if (raw.inputs !== undefined && raw.inputs !== null && !isMapping(raw.inputs)) return 'include config inputs should be a hash';
  return { params: raw, location, holder: raw };
}

/** The one location type of an entry (GitLab's Matcher), or the error message. */
export function locationType(params: RawMapping): LocationType | string {
  const matching = LOCATION_TYPES.filter((type) => (type === 'project' ? isPresent(params.project) && isPresent(params.file) : isPresent(params[type])));
  if (matching.length === 1) return matching[0] as LocationType;
  if (matching.length === 0) return noValidSubkey(params);
  return `Each include must use only one of: ${SUBKEYS}`;
}

/** External::Mapper::Matcher's refusal of an entry no include type matches. */
function noValidSubkey(params: RawMapping): string {
  return `\`${JSON.stringify(params)}\` does not have a valid subkey for include. Valid subkeys are: ${SUBKEYS}`;
}

/** GitLab's VariablesExpander on a mapping entry: string values and list items (as strings). */
export function expandEntry(params: RawMapping, variables: VariableLookup): RawMapping {
  const out: RawMapping = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'string') out[key] = expandVariables(value, variables);
    else if (Array.isArray(value)) out[key] = value.map((item) => expandVariables(scalarText(item), variables));
    else out[key] = value;
  }
  return out;
}

/** `Gitlab::UrlSanitizer.valid?` for include strings: an http(s) URL with a host. */
export function isRemoteUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Ruby `present?`: not nil, not blank text, not an empty list or mapping. */
export function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return true;
}

function checkIntegrity(raw: RawMapping): string | null {
  if (raw.integrity === undefined || raw.integrity === null) return null;
  if (!isPresent(raw.remote)) return 'include config integrity can only be specified for remote includes';
  const text = typeof raw.integrity === 'string' ? raw.integrity : '';
  if (!text.startsWith('sha256-')) return "include config integrity hash must start with 'sha256-'";
  const encoded = text.slice('sha256-'.length);
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    return 'include config integrity hash must be base64 encoded';
  }
  return null;
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
