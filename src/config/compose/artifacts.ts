// `artifacts:` and `artifacts:reports`. https://docs.gitlab.com/ci/yaml/#artifacts —
// spec §5.17 (entry/artifacts.rb, entry/reports.rb, reports/coverage_report.rb).
import type { ArtifactsDefinition, ArtifactWhen } from '../../model/config.js';
import { hasVariableReference, parseDuration } from '../../duration/chronic.js';
import { checkAllowedKeys, checkExclusive } from './keys.js';
import { isMapping, isString, isStringArray, stringOrStrings } from './shapes.js';
import type { Site } from './site.js';

const KEYS: ReadonlySet<string> = new Set([
  'name', 'untracked', 'paths', 'reports', 'when', 'expire_in', 'expose_as', 'exclude', 'public', 'access',
]);
const WHEN: readonly ArtifactWhen[] = ['on_success', 'on_failure', 'always'];
const ACCESS = ['none', 'developer', 'maintainer', 'all'];
const EXPOSE_AS = /^\w[-\w ]*$/;
const REPORT_TYPES: ReadonlySet<string> = new Set([
  'accessibility', 'annotations', 'api_fuzzing', 'browser_performance', 'cluster_image_scanning', 'codequality',
  'container_scanning', 'coverage_fuzzing', 'coverage_report', 'cyclonedx', 'dast', 'dependency_scanning', 'dotenv',
  'junit', 'license_scanning', 'load_performance', 'lsif', 'metrics', 'performance', 'requirements',
  'requirements_v2', 'sast', 'secret_detection', 'terraform',
]);
const COVERAGE_REPORT_KEYS: ReadonlySet<string> = new Set(['coverage_format', 'path']);
const COVERAGE_FORMATS = ['cobertura', 'jacoco'];

export function parseArtifacts(site: Site): ArtifactsDefinition | null {
  const raw = site.value;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return null;
  }
  let ok = checkAllowedKeys(site, raw, KEYS);
  ok = checkExclusive(site, raw, ['access', 'public']) && ok;
  const out: ArtifactsDefinition = { paths: [], exclude: [], untracked: false, when: 'on_success', reports: {} };
  for (const key of ['paths', 'exclude'] as const) {
    if (!present(raw[key])) continue;
    if (isStringArray(raw[key])) out[key] = raw[key];
    else ok = attr(site, key, 'should be an array of strings');
  }
  ok = flags(site, raw, out) && ok;
  ok = exposeAs(site, raw, out) && ok;
  if (present(raw.expire_in)) {
    const text = raw.expire_in;
    const valid = isString(text) && (text === 'never' || hasVariableReference(text) || parseDuration(text) !== null);
    if (valid) out.expireIn = text;
    else ok = attr(site, 'expire_in', 'should be a duration', 'e.g. `1 week`, `30 days` or `never`');
  }
  if (present(raw.reports)) {
    const reports = parseReports(site.at('reports'));
    if (reports) out.reports = reports;
    else ok = false;
  }
  return ok ? out : null;
}

function flags(site: Site, raw: Record<string, unknown>, out: ArtifactsDefinition): boolean {
  let ok = true;
  if (present(raw.name)) {
    if (isString(raw.name)) out.name = raw.name;
    else ok = attr(site, 'name', 'should be a string');
  }
  for (const key of ['untracked', 'public'] as const) {
    if (!present(raw[key])) continue;
    if (typeof raw[key] === 'boolean') out[key] = raw[key];
    else ok = attr(site, key, 'should be a boolean value');
  }
  if (present(raw.when)) {
    if ((WHEN as readonly unknown[]).includes(raw.when)) out.when = raw.when as ArtifactWhen;
    else ok = attr(site, 'when', `should be one of: ${WHEN.join(', ')}`);
  }
  if (present(raw.access)) {
    if (isString(raw.access) && ACCESS.includes(raw.access)) out.access = raw.access;
    else ok = attr(site, 'access', `should be one of: ${ACCESS.join(', ')}`);
  }
  return ok;
}

/** `expose_as` needs `paths`, a plain name (≤ 100 chars) and no `*` in the paths. */
function exposeAs(site: Site, raw: Record<string, unknown>, out: ArtifactsDefinition): boolean {
  if (!present(raw.expose_as)) return true;
  let ok = true;
  if (!present(raw.paths) || (Array.isArray(raw.paths) && raw.paths.length === 0)) ok = attr(site, 'paths', "can't be blank");
  else if (isStringArray(raw.paths) && raw.paths.some((p) => p.includes('*'))) {
    ok = attr(site, 'paths', "can't contain '*' when used with 'expose_as'");
  }
  const value = raw.expose_as;
  if (!isString(value)) return attr(site, 'expose_as', 'should be a string');
  if (value.length > 100) ok = attr(site, 'expose_as', 'is too long (maximum is 100 characters)');
  if (!EXPOSE_AS.test(value)) ok = attr(site, 'expose_as', "can contain only letters, digits, '-', '_' and spaces");
  if (ok) out.exposeAs = value;
  return ok;
}

/** Report type → paths; `coverage_report` is `{coverage_format, path}` and keeps its path. */
function parseReports(site: Site): Record<string, string[]> | null {
  const raw = site.value;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return null;
  }
  let ok = checkAllowedKeys(site, raw, REPORT_TYPES);
  const out: Record<string, string[]> = {};
  for (const [type, value] of Object.entries(raw)) {
    if (!REPORT_TYPES.has(type) || value === null || value === undefined) continue;
    if (type === 'coverage_report') {
      const path = coverageReport(site.at(type));
      if (path === null) ok = false;
      else out[type] = [path];
      continue;
    }
    const paths = stringOrStrings(value);
    if (paths) out[type] = paths;
    else ok = attr(site, type, 'should be an array of strings or a string');
  }
  return ok ? out : null;
}

function coverageReport(site: Site): string | null {
  const raw = site.value;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return null;
  }
  let ok = checkAllowedKeys(site, raw, COVERAGE_REPORT_KEYS);
  if (!isString(raw.coverage_format) || !COVERAGE_FORMATS.includes(raw.coverage_format)) {
    ok = attr(site, 'coverage_format', `must be one of supported formats: ${COVERAGE_FORMATS.join(', ')}.`);
  }
  if (!isString(raw.path) || raw.path === '') ok = attr(site, 'path', "can't be blank");
  return ok ? (raw.path as string) : null;
}

function attr(site: Site, key: string, message: string, hint?: string): false {
  site.attr(key, message, hint);
  return false;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}
