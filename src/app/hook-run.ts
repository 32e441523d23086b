// `glci hook run`: runs the selected jobs on what a commit (the index) or a push (the local commit)
// would deliver, never on the dirty working tree. Fast path first: the pipeline is planned in the
// project itself with the staged files as the changed files, and when no selected job would start the
// hook returns at once, without exporting anything. Only then is the content exported into a temporary
// repository (platform/hook-checkout.ts) and the pipeline run there, the state directory staying the
// project's, so caches carry over between commits.
import { constants } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { PipelineContext } from '../model/plan.js';
import type { OutputStream } from '../reporters/index.js';
import { planPipeline } from '../planner/index.js';
import { createHookCheckout } from '../platform/hook-checkout.js';
import { detachFromHookGit, readStdin } from '../platform/hook-environment.js';
import { repositoryLayout } from '../platform/hook-git.js';
import { loadProjectConfig } from './load-config.js';
import { planWithComparisons } from './compare-diffs.js';
import { buildPipelineContext } from './pipeline-context.js';
import { PROJECT_VARIABLES_FILE } from './user-variables.js';
import { PROJECT_FILE } from './project-settings.js';
import type { HookName, HookSelection } from './git-hook-script.js';
import { hookTargets, type HookTarget } from './hook-targets.js';
import { selectHookJobs, type SelectedJobs } from './hook-selection.js';

export interface HookRunOptions extends HookSelection {
  variables: readonly string[];
  executor?: string;
  configPath?: string;
  stateDir?: string;
  version?: string;
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
}

export interface HookRunOutcome {
  exitCode: number;
  /** Jobs the hook ran (empty on the fast path). */
  ran: string[];
}

type Say = (line: string) => void;

/**
 * The user's local glci files, rarely committed: copied into the checkout when it lacks them, so the
 * run there reads what a run in the project would, and kept out of the jobs' copies.
 */
const LOCAL_FILES = [PROJECT_VARIABLES_FILE, PROJECT_FILE];

export async function runHook(options: HookRunOptions): Promise<HookRunOutcome> {
  // Before any git runs: from here on only the user-repository queries see the hook's GIT_* variables.
  const { userGit } = detachFromHookGit();
  const projectDir = resolve(options.cwd ?? process.cwd());
  const say: Say = (line) => options.stderr.write(`glci hook ${options.hook}: ${line}\n`);
  const context = buildPipelineContext({ cwd: projectDir, variables: options.variables });
  const facts = context.then((c) => c.git);
  facts.catch(() => undefined); // pre-push never awaits it; a failure surfaces through `context`
  const [base, targets] = await Promise.all([context, hookTargets(options.hook, projectDir, facts, userGit, readStdin)]);
  if (targets.length === 0) say('nothing pushed, no job to run');
  const ran: string[] = [];
  for (const target of targets) {
    const outcome = await checkTarget(target, base, projectDir, options, say);
    ran.push(...outcome.ran);
    if (outcome.exitCode !== 0) return { exitCode: outcome.exitCode, ran };
  }
  return { exitCode: 0, ran };
}

/** The context of the checked content: its changed files, its files, its commit and ref. */
function withTarget(ctx: PipelineContext, target: HookTarget, files: string[]): PipelineContext {
  const ref = target.ref;
  return {
    ...ctx,
    changedFiles: target.changedFiles,
    files,
    git: { ...ctx.git, sha: target.head ?? ctx.git.sha, branch: ref?.kind === 'tag' ? null : (ref?.name ?? ctx.git.branch), tag: ref?.kind === 'tag' ? ref.name : null },
    ref: ref?.name ?? ctx.ref,
    refKind: ref?.kind ?? ctx.refKind,
  };
}

interface TargetPlan {
  selected: SelectedJobs;
  /** Why nothing runs, as the one line of the fast path. */
  idle?: string;
}

async function planTarget(ctx: PipelineContext, options: HookRunOptions, target: HookTarget): Promise<TargetPlan> {
  const config = await loadProjectConfig(ctx, options.file);
  const { result: plan } = await planWithComparisons(config, ctx, (c) => planPipeline(config, c));
  const definitions = new Set(config.jobs.map((j) => j.name));
  const selected = selectHookJobs(plan, config.stages, definitions, { jobs: options.jobs, ...(options.stage ? { stage: options.stage } : {}) });
  if (selected.names.length > 0) return { selected };
  // workflow:rules filtered the pipeline out (when every job is excluded, the planner says so too, with the jobs listed).
  if (plan.notCreatedReason && plan.excluded.length === 0) return { selected, idle: `no pipeline (${plan.notCreatedReason}); nothing to run` };
  if (selected.note) return { selected, idle: `${selected.note}; nothing to run` };
  const count = target.changedFiles?.length ?? 0;
  const changed = target.changedFiles === null ? '' : ` for the ${count} changed file${count === 1 ? '' : 's'}`;
  return { selected, idle: `no job of ${selected.description} would run${changed}` };
}

/** The configuration as planned here may not be the checked one: a YAML file differs from it, or exists only here. */
async function configMayDiffer(target: HookTarget, worktreeFiles: readonly string[], file: string): Promise<boolean> {
  const configLike = (path: string) => path === file || /\.ya?ml$/i.test(path);
  const inTarget = new Set(target.files);
  if (worktreeFiles.some((f) => configLike(f) && !inTarget.has(f) && !LOCAL_FILES.includes(f))) return true;
  return (await target.worktreeChanges()).some(configLike);
}

async function checkTarget(target: HookTarget, base: PipelineContext, projectDir: string, options: HookRunOptions, say: Say): Promise<HookRunOutcome> {
  if (options.hook === 'pre-commit' && target.changedFiles?.length === 0) {
    say('nothing staged, no job to run');
    return { exitCode: 0, ran: [] };
  }
  const planHere = planTarget(withTarget(base, target, target.files), options, target).then((plan) => ({ plan }), (error: unknown) => ({ error }));
  const [here, differs] = await Promise.all([planHere, configMayDiffer(target, base.files, options.file)]);
  // A configuration that differs from the checked one decides nothing, not even by being invalid.
  if (differs) return runInCheckout(target, base, projectDir, options, say);
  if ('error' in here) throw here.error;
  if (here.plan.idle) {
    say(here.plan.idle);
    return { exitCode: 0, ran: [] };
  }
  return runInCheckout(target, base, projectDir, options, say);
}

async function runInCheckout(target: HookTarget, base: PipelineContext, projectDir: string, options: HookRunOptions, say: Say): Promise<HookRunOutcome> {
  const layout = await repositoryLayout(projectDir);
  const checkout = await createHookCheckout({
    name: basename(layout.topLevel),
    objectsDir: layout.objectsDir,
    treeish: await target.treeish(),
    head: target.head,
    ref: target.ref,
    remoteUrl: base.git.remoteUrl,
    defaultBranch: base.git.defaultBranch,
    excluded: LOCAL_FILES.map((f) => `/${layout.prefix}${f}`),
  });
  try {
    const dir = join(checkout.dir, layout.prefix);
    // EXCL: a committed version in the checked content wins; a missing file is no error.
    await Promise.all(LOCAL_FILES.map((f) => copyFile(join(projectDir, f), join(dir, f), constants.COPYFILE_EXCL).catch(() => undefined)));
    const ctx = await buildPipelineContext({ cwd: dir, variables: options.variables });
    const planned = await planTarget(withTarget(ctx, target, ctx.files), options, target);
    if (planned.idle) {
      say(planned.idle);
      return { exitCode: 0, ran: [] };
    }
    return await runJobs(dir, projectDir, planned.selected.names, target, options, say);
  } finally {
    await checkout.remove();
  }
}

async function runJobs(dir: string, projectDir: string, names: string[], target: HookTarget, options: HookRunOptions, say: Say): Promise<HookRunOutcome> {
  // Imported here so the fast path never loads the engine, the executors and execa.
  const { runPipelineCommand } = await import('./run-pipeline.js');
  say(`running ${names.join(', ')} on the ${target.label}`);
  const outcome = await runPipelineCommand({
    cwd: dir,
    file: options.file,
    jobs: names,
    withNeeds: options.withNeeds,
    variables: options.variables,
    ...(target.changedFiles ? { changedFiles: target.changedFiles } : {}),
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.configPath ? { configPath: options.configPath } : {}),
    ...(options.version ? { version: options.version } : {}),
    stateDir: options.stateDir ?? join(projectDir, '.glci'),
    format: 'plain',
    stdout: options.stdout,
    stderr: options.stderr,
    env: options.env,
  });
  if (outcome.exitCode !== 0) say(failureLine(outcome.result?.jobs ?? [], outcome.exitCode, options.hook));
  return { exitCode: outcome.exitCode, ran: names };
}

function failureLine(jobs: readonly { name: string; status: string; allowedToFail: boolean }[], exitCode: number, hook: HookName): string {
  const failed = jobs.filter((j) => j.status === 'failed' && !j.allowedToFail).map((j) => j.name);
  const what = exitCode === 130 ? 'interrupted' : failed.length > 0 ? `job${failed.length === 1 ? '' : 's'} ${failed.join(', ')} failed` : 'the pipeline failed';
  const blocked = hook === 'pre-push' ? 'push blocked (git push --no-verify skips this hook)' : 'commit blocked (git commit --no-verify skips this hook)';
  return `${what}; ${blocked}`;
}
