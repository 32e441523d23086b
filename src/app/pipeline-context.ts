// Builds the PipelineContext (plain data the planner works on) from the checkout and the user's flags.
// The default is what a push of the current checkout would create on GitLab.
import { basename, resolve } from 'node:path';
import type { PipelineContext, PipelineSource } from '../model/plan.js';
import { UsageError } from '../errors.js';
import { listProjectFiles, projectPathFromRemote, readGitFacts } from '../platform/git.js';
import { loadUserVariables, type UserVariables } from './user-variables.js';

export interface ContextOptions {
  /** Project directory; default: the current directory. */
  cwd?: string;
  /** `--variable KEY=VALUE` flags. */
  variables?: readonly string[];
  pipelineSource?: string;
  mrSourceBranch?: string;
  mrTargetBranch?: string;
  /** Changed files for rules:changes, comma-separated or as a list; absent = no diff available (changes always true). */
  changedFiles?: string | readonly string[];
  /** Variables of .glci.yml and its preset, lowest first (app/project-settings.ts). */
  projectVariables?: readonly UserVariables[];
  /** Jobs to play although they are manual. */
  manual?: readonly string[];
  /** Placeholder server for CI_SERVER_* (no request is ever made to it). */
  serverUrl?: string;
}

const SOURCES: readonly PipelineSource[] = [
  'push', 'web', 'api', 'schedule', 'trigger', 'pipeline', 'parent_pipeline', 'merge_request_event',
  'external_pull_request_event', 'chat', 'webide', 'external',
];

function parseSource(value: string | undefined): PipelineSource {
  if (value === undefined) return 'push';
  if ((SOURCES as readonly string[]).includes(value)) return value as PipelineSource;
  throw new UsageError(`unknown pipeline source "${value}"`, `use one of: ${SOURCES.join(', ')}`);
}

export async function buildPipelineContext(options: ContextOptions): Promise<PipelineContext> {
  const startDir = resolve(options.cwd ?? process.cwd());
  // The project is the directory the user points at (like gitlab-ci-local), even inside a larger
  // repository: its .gitlab-ci.yml and its files are what the pipeline sees.
  const [{ facts }, files] = await Promise.all([readGitFacts(startDir), listProjectFiles(startDir)]);
  const projectDir = startDir;
  const source = parseSource(options.pipelineSource);
  const userVariables = await loadUserVariables(projectDir, options.variables ?? [], undefined, options.projectVariables);
  const isMr = source === 'merge_request_event';
  if (isMr && (!options.mrSourceBranch || !options.mrTargetBranch)) {
    throw new UsageError('a merge request pipeline needs --mr-source-branch and --mr-target-branch');
  }
  const ref = isMr ? options.mrSourceBranch! : (facts.tag ?? facts.branch ?? facts.defaultBranch);
  const now = new Date();
  const pipelineId = Math.floor(now.getTime() / 1000);
  return {
    projectDir,
    git: facts,
    source,
    refKind: !isMr && facts.tag && !facts.branch ? 'tag' : 'branch',
    ref,
    ...(isMr ? { mergeRequest: { iid: 1, sourceBranch: options.mrSourceBranch!, targetBranch: options.mrTargetBranch! } } : {}),
    changedFiles: typeof options.changedFiles === 'string' ? options.changedFiles.split(',').map((f) => f.trim()).filter(Boolean) : options.changedFiles ? [...options.changedFiles] : null,
    files,
    userVariables,
    pipelineId,
    pipelineIid: 1,
    projectPath: projectPathFromRemote(facts.remoteUrl, basename(projectDir)),
    serverUrl: options.serverUrl ?? 'https://gitlab.example.com',
    createdAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    playedManualJobs: [...(options.manual ?? [])],
  };
}
