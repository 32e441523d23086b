// Builds the PipelineContext (plain data the planner works on) from the checkout and the user's flags.
// The default is what a push of the current checkout would create on GitLab; the flags describe other
// pipelines (tag, merge request, schedule, web, ...) with exactly the facts GitLab gives each of them.
// Steps: pipeline-kind.ts decides the kind (pure), pipeline-commit.ts the commit, pipeline-diff.ts the diff.
import { basename, resolve } from 'node:path';
import type { PipelineContext } from '../model/plan.js';
import { listProjectFiles, projectPathFromRemote, readGitFacts } from '../platform/git.js';
import type { ContextOptions } from './context-options.js';
import { pipelineCommit } from './pipeline-commit.js';
import { pipelineDiff } from './pipeline-diff.js';
import { resolvePipelineKind } from './pipeline-kind.js';
import { loadUserVariables } from './user-variables.js';

export type { ContextOptions } from './context-options.js';

export async function buildPipelineContext(options: ContextOptions): Promise<PipelineContext> {
  const startDir = resolve(options.cwd ?? process.cwd());
  // The project is the directory the user points at (like gitlab-ci-local), even inside a larger
  // repository: its .gitlab-ci.yml and its files are what the pipeline sees.
  const [{ facts }, files] = await Promise.all([readGitFacts(startDir), listProjectFiles(startDir)]);
  const projectDir = startDir;
  const kind = resolvePipelineKind(options, facts);
  const projectPath = projectPathFromRemote(facts.remoteUrl, basename(projectDir));
  const warn = options.warn ?? (() => undefined);
  const [userVariables, commit] = await Promise.all([
    loadUserVariables(projectDir, options.variables ?? [], undefined, options.projectVariables),
    pipelineCommit({ dir: projectDir, kind, facts, projectPath, warn }),
  ]);
  const changedFiles = await pipelineDiff(projectDir, kind, commit);
  const now = new Date();
  const pipelineId = Math.floor(now.getTime() / 1000);
  return {
    projectDir,
    git: commit.git,
    source: kind.source,
    refKind: kind.refKind,
    ref: kind.ref,
    ...(commit.mergeRequest ? { mergeRequest: commit.mergeRequest } : {}),
    ...(commit.externalPullRequest ? { externalPullRequest: commit.externalPullRequest } : {}),
    ...(commit.beforeSha !== undefined ? { beforeSha: commit.beforeSha } : {}),
    // Unset: the default branch only (variables/predefined.ts). In a merge request pipeline the flag
    // also covers the source branch (pipeline-commit.ts).
    ...(kind.protected !== undefined ? { refProtected: kind.protected } : {}),
    ...(kind.scheduleDescription !== undefined ? { scheduleDescription: kind.scheduleDescription } : {}),
    changedFiles,
    files,
    userVariables,
    pipelineId,
    pipelineIid: 1,
    projectPath,
    serverUrl: options.serverUrl ?? 'https://gitlab.example.com',
    createdAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    playedManualJobs: [...(options.manual ?? [])],
  };
}
