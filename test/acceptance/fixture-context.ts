// The pipeline context a fixture runs in (test/fixtures/README.md, "context.json"), and how it is
// turned into a git checkout shape and glci flags.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureContext {
  /** Branch checked out for a push pipeline (default `main`, which is also the default branch). */
  branch?: string;
  /** Tag pipeline: the commit is tagged and checked out detached at the tag. */
  tag?: string;
  /** CI_PIPELINE_SOURCE; only `push` (default) and `merge_request_event` are used. */
  source?: string;
  mrSourceBranch?: string;
  mrTargetBranch?: string;
  /** Files changed by the pipeline's diff; absent or null means no diff is available. */
  changedFiles?: string[] | null;
  /** Pipeline variables, passed as `--variable K=V`. */
  variables?: Record<string, string>;
  /** Extra files (repository-relative paths) created in the checkout before the commit. */
  files?: string[];
  /** Files committed on the checked-out branch after it left `main` (a merge request's own changes). */
  branchFiles?: string[];
  /** Files committed on `main` (and `origin/main`) after the branch left it: the target moved on. */
  targetFiles?: string[];
  /** Files created and `git add`ed, not committed. */
  stagedFiles?: string[];
  /** Files created in the working tree only (untracked). */
  worktreeFiles?: string[];
  /** Further glci flags, as written (`["--merge-request", "--mr-event", "merged_result"]`). */
  flags?: string[];
  /**
   * Other projects of the instance for `include:project`: full path → fixture subfolder (its
   * content is the project's HEAD), or `{dir, tags}` where each tag names the subfolder whose
   * content is committed and tagged before HEAD's. Passed as GLCI_INCLUDE_PROJECT_DIRS.
   */
  projects?: Record<string, string | FixtureProject>;
  /** Fixture subfolder holding the templates of `include:template`. Passed as GLCI_TEMPLATE_DIRS. */
  templateDir?: string;
  /** Component projects `<fqdn>/<project path>` → fixture subfolder. Passed as GLCI_COMPONENT_DIRS. */
  components?: Record<string, string>;
  /** Content of `~/.glci/variables.yml` (HOME is always a fresh temporary directory). */
  homeVariables?: Record<string, string | { value: string; masked?: boolean; file?: boolean }>;
}

export interface FixtureProject {
  /** Fixture subfolder with the content of the project's HEAD (and working tree). */
  dir: string;
  /** Tag → fixture subfolder; committed and tagged in this order, before HEAD's commit. */
  tags?: Record<string, string>;
}

const KNOWN_KEYS = new Set([
  'branch',
  'tag',
  'source',
  'mrSourceBranch',
  'mrTargetBranch',
  'changedFiles',
  'variables',
  'files',
  'branchFiles',
  'targetFiles',
  'stagedFiles',
  'worktreeFiles',
  'flags',
  'projects',
  'templateDir',
  'components',
  'homeVariables',
]);

/** Reads `context.json` of a fixture (an empty context when the file is absent). */
export function readFixtureContext(fixtureDir: string): FixtureContext {
  const file = join(fixtureDir, 'context.json');
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${file}: context must be a JSON object`);
  }
  // Unknown keys are typos or undocumented features: fail loudly instead of ignoring them.
  const unknown = Object.keys(parsed).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) throw new Error(`${file}: unknown context keys: ${unknown.join(', ')}`);
  return parsed as FixtureContext;
}

/** Fixture subfolders that are other projects, templates or components: not part of the checkout. */
export function sourceFolders(context: FixtureContext): string[] {
  const folders: string[] = [];
  for (const project of Object.values(context.projects ?? {})) {
    if (typeof project === 'string') folders.push(project);
    else folders.push(project.dir, ...Object.values(project.tags ?? {}));
  }
  if (context.templateDir !== undefined) folders.push(context.templateDir);
  folders.push(...Object.values(context.components ?? {}));
  return folders;
}

/** The branch HEAD is on; a merge request pipeline runs on its source branch. */
export function checkoutBranch(context: FixtureContext): string {
  return context.mrSourceBranch ?? context.branch ?? 'main';
}

/** glci flags that describe the context beyond what the git checkout already says. */
export function contextFlags(context: FixtureContext): string[] {
  const flags: string[] = [];
  if (context.source !== undefined) flags.push('--pipeline-source', context.source);
  if (context.mrSourceBranch !== undefined) flags.push('--mr-source-branch', context.mrSourceBranch);
  if (context.mrTargetBranch !== undefined) flags.push('--mr-target-branch', context.mrTargetBranch);
  if (context.changedFiles !== undefined && context.changedFiles !== null) {
    flags.push('--changed-files', context.changedFiles.join(','));
  }
  for (const [name, value] of Object.entries(context.variables ?? {})) {
    flags.push('--variable', `${name}=${value}`);
  }
  flags.push(...(context.flags ?? []));
  return flags;
}
