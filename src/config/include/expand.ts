// Steps 1–3 for one file and, recursively, for everything it includes (spec §4.5/§4.6; GitLab's
// External::Processor and Mapper): load, interpolate the header's inputs, then for each include
// entry in written order — shape, rules, location expansion (project file lists, local wildcards),
// variables, type — read the file and expand it depth-first. The result is
// `deep_merge(deep_merge({}, I1..In), F)` without the `include` key.
import type { SourceLocation } from '../../model/config.js';
import { deepMerge } from '../merge.js';
import type { RawMapping } from '../raw.js';
import { loadYaml, type LoadedYaml } from '../yaml/load.js';
import { hasOwn, isMapping } from '../yaml/mapping.js';
import type { FileScope, IncludeSession } from './context.js';
import { expandEntry, listEntries, locationType, normalizeEntry, type LocationType } from './entries.js';
import { fetchInclude } from './fetch.js';
import { evaluateInputs, type GivenInputs } from './inputs.js';
import { interpolationHook } from './interpolation.js';
import { checkIncludeRules, includeRulesPass } from './rules.js';
import { hasWildcard, matchWildcard, wildcardBase } from './wildcard.js';

export interface FileToExpand {
  text: string;
  scope: FileScope;
  /** Inputs given by the include entry (or the pipeline, for the root file). */
  given: GivenInputs | null;
  /** null for the root file; otherwise the location as written, which prefixes GitLab's messages. */
  name: string | null;
  /** The include entry that brought the file in (null for the root file). */
  entry: SourceLocation | null;
}

/** The expanded mapping of one file, or null when it has errors (already reported). */
export async function expandFile(file: FileToExpand, session: IncludeSession): Promise<RawMapping | null> {
  session.fileRead(file.scope.display);
  const loaded = loadYaml(file.text, file.scope.display, session.table);
  const content = loadContent(file, loaded, session);
  // Conversion adds warnings (duplicate keys) while it runs; report them after it.
  session.warnings.push(...loaded.warnings);
  if (!content) return null;
  return hasOwn(content, 'include') ? mergeIncludes(content, file.scope, session) : content;
}

/** Load, header inputs and interpolation of one file: its content mapping, or null on errors. */
function loadContent(file: FileToExpand, loaded: LoadedYaml, session: IncludeSession): RawMapping | null {
  const { scope, name } = file;
  const prefix = name === null ? '' : `\`${name}\`: `;
  if (loaded.errors.length > 0) return reportAll(session, prefix, loaded.errors);
  if (loaded.blank) {
    const message = name === null ? 'Please provide content of .gitlab-ci.yml' : `Included file \`${name}\` does not have valid YAML syntax!`;
    session.error(message, file.entry ?? { file: scope.display, line: 1, column: 1 });
    return null;
  }
  const hook = prepareInterpolation(file, loaded.header, session, prefix);
  if (hook === false) return null;
  let interpolationFailed = false;
  const content = loaded.content(
    hook === null
      ? null
      : hook((message, location) => {
          interpolationFailed = true;
          session.error(`${prefix}${message}`, location);
        }),
  );
  if (loaded.errors.length > 0) return reportAll(session, prefix, loaded.errors);
  if (interpolationFailed) return null;
  if (!isMapping(content)) {
    session.error(`${prefix}Invalid configuration format`, loaded.contentLocation ?? file.entry);
    return null;
  }
  if (name !== null && Object.keys(content).length === 0) {
    session.error(`Included file \`${name}\` does not have valid YAML syntax!`, file.entry);
    return null;
  }
  return content;
}

type HookFactory = (report: (message: string, location: SourceLocation) => void) => ReturnType<typeof interpolationHook>;

/** Evaluates the header's inputs: a hook factory, null without a header, false on errors. */
function prepareInterpolation(file: FileToExpand, header: RawMapping | null, session: IncludeSession, prefix: string): HookFactory | null | false {
  const given = file.given && Object.keys(file.given.values).length > 0 ? file.given : null;
  const where = file.entry ?? { file: file.scope.display, line: 1, column: 1 };
  if (!header) {
    if (!given) return null;
    session.error(`${prefix}unknown input arguments: ${Object.keys(given.values).join(', ')}`, where);
    return false;
  }
  const inputs = evaluateInputs(header, given, session.table);
  if (inputs.errors.length > 0) {
    for (const message of inputs.errors) session.error(`${prefix}${message}`, where);
    return false;
  }
  const component = inputs.component && file.scope.component ? pick(file.scope.component, inputs.component) : null;
  const isFloat = (holder: object, key: string | number): boolean => session.table.isFloat(holder, key);
  return (report) => interpolationHook({ inputs: inputs.values, component, variables: file.scope.variables, isFloat }, report);
}

async function mergeIncludes(content: RawMapping, scope: FileScope, session: IncludeSession): Promise<RawMapping> {
  let merged: RawMapping = {};
  for (const included of await expandIncludes(content, scope, session)) merged = deepMerge(merged, included, session.table);
  merged = deepMerge(merged, content, session.table);
  delete merged.include;
  return merged;
}

async function expandIncludes(content: RawMapping, scope: FileScope, session: IncludeSession): Promise<RawMapping[]> {
  const results: RawMapping[] = [];
  for (const { raw, location } of listEntries(content.include, content, session.table)) {
    const entry = normalizeEntry(raw, location, scope.variables);
    if (typeof entry === 'string') {
      session.error(entry, location);
      continue;
    }
    const rulesProblem = checkIncludeRules(entry.params.rules);
    if (rulesProblem) {
      session.error(rulesProblem, location);
      continue;
    }
    if (!(await includeRulesPass(entry.params.rules, scope, session))) continue;
    const type = locationType(entry.params);
    if (!LOCATION_TYPE_SET.has(type)) {
      session.error(type, location);
      continue;
    }
    for (const params of await expandLocation(type as LocationType, entry.params, scope, session, location)) {
      const expanded = await expandOne(type as LocationType, expandEntry(params, scope.variables), scope, session, location);
      if (expanded) results.push(expanded);
    }
  }
  return results;
}

const LOCATION_TYPE_SET: ReadonlySet<string> = new Set(['local', 'project', 'remote', 'template', 'artifact', 'component']);

async function expandOne(type: LocationType, params: RawMapping, scope: FileScope, session: IncludeSession, location: SourceLocation | null): Promise<RawMapping | null> {
  session.countInclude(location);
  const fetched = await fetchInclude(type, params, scope, session, location);
  if (!fetched) return null;
  const inputs = isMapping(params.inputs) ? params.inputs : null;
  const given: GivenInputs | null = inputs ? { values: inputs, isFloat: (key) => session.table.isFloat(inputs, key) } : null;
  return expandFile({ text: fetched.text, scope: fetched.scope, given, name: fetched.name, entry: location }, session);
}

/** GitLab's LocationExpander: one entry per `project` file, one per file a `local` wildcard matches. */
async function expandLocation(type: LocationType, params: RawMapping, scope: FileScope, session: IncludeSession, location: SourceLocation | null): Promise<RawMapping[]> {
  if (type === 'project') {
    const files = Array.isArray(params.file) ? params.file : [params.file];
    return files.map((file) => ({ ...params, file }));
  }
  if (type !== 'local' || typeof params.local !== 'string' || !hasWildcard(params.local)) return [params];
  const pattern = params.local.replace(/^\/+/, '');
  if (!scope.project) {
    session.error(`Local file \`${pattern}\` does not have project!`, location);
    return [];
  }
  const listing = (await session.listFiles(scope.project, wildcardBase(pattern))) ?? [];
  // A file never includes itself through its own wildcard.
  const matches = matchWildcard(pattern, listing).filter((path) => path !== scope.path);
  if (matches.length === 0) {
    session.warnings.push({ severity: 'warning', message: `no file matches the wildcard include \`${pattern}\``, location });
  }
  // GitLab replaces a wildcard entry by bare `{local: path}` entries (its inputs and rules do not carry over).
  return matches.map((path) => ({ local: path }));
}

function reportAll(session: IncludeSession, prefix: string, errors: Array<{ message: string; location: SourceLocation | null }>): null {
  for (const error of errors) session.error(`${prefix}${error.message}`, error.location);
  return null;
}

function pick(values: Readonly<Record<string, string>>, fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) if (Object.prototype.hasOwnProperty.call(values, field)) out[field] = values[field] ?? '';
  return out;
}
