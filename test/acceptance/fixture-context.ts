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
  return flags;
}
