// The resolution half of config/: GitLab's processing steps 1–5 (spec §0.1) — load the root file,
// interpolate its inputs, resolve `include` recursively and deep-merge, apply `extends`, resolve
// `!reference` — giving one merged raw mapping for the composition half. Each step reports every
// problem it finds; a step with errors stops the pipeline (later steps would report follow-ups).
import type { ConfigDiagnostic } from '../model/config.js';
import { ConfigError } from '../errors.js';
import { applyExtends } from './extends.js';
import { EXPANSION_BUDGET_MS, IncludeAbort, IncludeSession, MAX_INCLUDES, type FileScope } from './include/context.js';
import { expandFile } from './include/expand.js';
import type { RawMapping, ResolvedRawConfig } from './raw.js';
import { resolveReferences } from './reference.js';
import type { SourceReader } from './source-reader.js';
import { LocationTable } from './yaml/location-table.js';

export interface ResolveOptions {
  /** The project directory (the reader is bound to it; kept for messages). */
  projectDir: string;
  /** The root CI file relative to the project directory (default `.gitlab-ci.yml`). */
  file?: string;
  reader: SourceReader;
  /** Variables visible to `include` (spec §4.3): predefined, project and pipeline variables, not YAML ones. */
  variables: Record<string, string>;
  /** Pipeline inputs for the root file's `spec:inputs` header. */
  inputs?: Record<string, unknown>;
  /** Changed paths for `include:rules:changes`; absent = no diff known, `changes` is true (as in GitLab). */
  changedPaths?: readonly string[];
  /** GitLab's `ci_max_includes` (default 150). */
  maxIncludes?: number;
  /** Clock for the 30 s expansion budget (tests inject one). */
  now?: () => number;
}

export const DEFAULT_CONFIG_FILE = '.gitlab-ci.yml';

export async function resolveRawConfig(options: ResolveOptions): Promise<ResolvedRawConfig> {
  const rootFile = (options.file ?? DEFAULT_CONFIG_FILE).replace(/^\.\//, '');
  const table = new LocationTable();
  const now = options.now ?? Date.now;
  const session = new IncludeSession(
    options.reader,
    table,
    options.maxIncludes ?? MAX_INCLUDES,
    now() + EXPANSION_BUDGET_MS,
    options.changedPaths ?? null,
    now,
  );
  const text = await readRootFile(options.reader, rootFile);
  const scope: FileScope = { project: { kind: 'self' }, path: rootFile, display: rootFile, variables: options.variables, component: null };
  const inputs = options.inputs;
  let root: RawMapping | null = null;
  try {
    root = await expandFile({ text, scope, given: inputs ? { values: inputs, isFloat: () => false } : null, name: null, entry: null }, session);
  } catch (error) {
    if (!(error instanceof IncludeAbort)) throw error;
    session.error(error.message, error.location);
  }
  const warnings = session.warnings;
  if (!root || session.errors.length > 0) throw failure(session.errors, warnings, session.hints);
  const extendsErrors = applyExtends(root, table);
  if (extendsErrors.length > 0) throw failure(extendsErrors, warnings, []);
  const referenceErrors = resolveReferences(root, table);
  if (referenceErrors.length > 0) throw failure(referenceErrors, warnings, []);
  return { root, locations: table, rootFile, files: session.files, warnings };
}

async function readRootFile(reader: SourceReader, file: string): Promise<string> {
  const result = await reader.readFile({ kind: 'self' }, file);
  if (result.status === 'ok') return result.content;
  const message = result.status === 'unavailable' ? `\`${file}\` could not be read: ${result.message}` : `The CI configuration file \`${file}\` does not exist`;
  throw new ConfigError([{ severity: 'error', message, location: null }], 'run glci in the project directory or pass the file to use');
}

function failure(errors: ConfigDiagnostic[], warnings: ConfigDiagnostic[], hints: string[]): ConfigError {
  return new ConfigError([...errors, ...warnings], hints.length > 0 ? hints.join('\n') : undefined);
}
