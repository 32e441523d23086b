// `glci doctor`'s checks that need no engine: the runner config, the git checkout, the state directory
// and Node.js. Each returns a DoctorCheck; none throws.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunnerConfig } from '../model/runner.js';
import { readGitFacts } from '../platform/git.js';
import { runGit } from '../platform/run-git.js';
import { defaultRunnerConfig } from '../runner-config/index.js';
import { CHECK, messageOf, type DoctorCheck } from './doctor-check.js';
import { loadRunnerConfig, runnerConfigPath, type Env } from './load-runner-config.js';

/** package.json `engines.node`. */
export const MINIMUM_NODE = '20.19.0';

function versionParts(version: string): number[] {
  return version.replace(/^v/, '').split('.').map((p) => Number.parseInt(p, 10) || 0);
}

/** Whether `version` (`20.19.2`, `v22.1.0`) is at least `minimum`. */
export function nodeVersionAtLeast(version: string, minimum: string): boolean {
  const have = versionParts(version);
  const want = versionParts(minimum);
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const diff = (have[i] ?? 0) - (want[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

export function checkNode(version: string): DoctorCheck {
  if (nodeVersionAtLeast(version, MINIMUM_NODE)) return { name: CHECK.node, status: 'ok', summary: `${version} (${MINIMUM_NODE} or later needed)` };
  return { name: CHECK.node, status: 'fail', summary: `${version} is too old: glci needs ${MINIMUM_NODE} or later`, hint: 'install Node.js 20.19+ or 22 LTS (https://nodejs.org, or nvm install 22)' };
}

/** One line per runner: `name: executor, tags a, b` (plus the image and privileges for docker runners). */
export function describeRunners(config: RunnerConfig): string[] {
  return config.runners.map((r) => {
    const tags = r.tags.length > 0 ? `tags ${r.tags.join(', ')}` : 'no tags';
    const docker = r.docker ? `, image ${r.docker.image ?? '(none)'}${r.docker.privileged ? ', privileged' : ''}${r.docker.privilegedFallback ? ' with fallback' : ''}` : '';
    return `${r.name}: ${r.executor}, ${tags}${docker}`;
  });
}

export interface ConfigCheckResult {
  check: DoctorCheck;
  /** The config read, or the built-in one when there is none or it does not load (the other checks still run). */
  config: RunnerConfig;
}

export async function checkRunnerConfig(options: { path?: string; env: Env; cwd?: string }): Promise<ConfigCheckResult> {
  let config: RunnerConfig;
  try {
    config = await loadRunnerConfig(options);
  } catch (error) {
    return {
      check: { name: CHECK.config, status: 'fail', summary: 'does not load', detail: messageOf(error).split('\n'), hint: 'fix the file, or check it with `glci config show`' },
      config: defaultRunnerConfig(),
    };
  }
  const runners = describeRunners(config);
  if (config.file === null) {
    return {
      check: { name: CHECK.config, status: 'ok', summary: `none at ${runnerConfigPath(options.env)}: the built-in runner takes every job`, detail: runners, hint: '`glci init` writes one' },
      config,
    };
  }
  const warnings = config.warnings.map((w) => `${w.line !== null ? `line ${w.line}: ` : ''}${w.message}`);
  const count = config.runners.length;
  return {
    check: {
      name: CHECK.config,
      status: warnings.length > 0 ? 'warn' : 'ok',
      summary: `${config.file}: ${count} runner${count === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`,
      detail: [...runners, ...warnings.map((w) => `warning: ${w}`)],
    },
    config,
  };
}

function refOf(branch: string | null, tag: string | null): string {
  if (branch) return `branch ${branch}`;
  return tag ? `detached at tag ${tag}` : 'detached HEAD';
}

export async function checkGit(dir: string): Promise<DoctorCheck> {
  const [{ topLevel, facts }, status] = await Promise.all([readGitFacts(dir), runGit(dir, ['status', '--porcelain', '--untracked-files=normal'])]);
  if (topLevel === null) {
    return {
      name: CHECK.git,
      status: 'warn',
      summary: `${dir} is not a git work tree`,
      detail: ['jobs still run, with CI_COMMIT_SHA all zeros, and rules:changes is always true'],
      hint: 'run glci in a git checkout, or pass --cwd',
    };
  }
  if (/^0+$/.test(facts.sha)) {
    return { name: CHECK.git, status: 'warn', summary: `${topLevel}: no commit yet on ${refOf(facts.branch, facts.tag)}`, hint: 'commit once so jobs get a CI_COMMIT_SHA' };
  }
  const changed = status.ok ? status.stdout.split('\n').filter((l) => l.trim() !== '').length : 0;
  const state = changed > 0 ? `dirty (${changed} changed path${changed === 1 ? '' : 's'}: jobs get the working tree as it is)` : 'clean';
  return { name: CHECK.git, status: 'ok', summary: `${topLevel}: ${facts.sha.slice(0, 8)} on ${refOf(facts.branch, facts.tag)}, ${state}` };
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch {
      const parent = dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

async function writable(path: string): Promise<boolean> {
  return access(path, constants.W_OK | constants.X_OK).then(() => true, () => false);
}

export async function checkStateDir(stateDir: string): Promise<DoctorCheck> {
  const existing = await nearestExisting(stateDir);
  const isDir = await stat(existing).then((s) => s.isDirectory(), () => false);
  const hint = 'pass --state-dir (GLCI_STATE_DIR) with a directory you can write';
  if (existing === stateDir) {
    if (!isDir) return { name: CHECK.stateDir, status: 'fail', summary: `${stateDir} exists but is not a directory`, hint };
    if (await writable(stateDir)) return { name: CHECK.stateDir, status: 'ok', summary: `${stateDir} (exists, writable)` };
    return { name: CHECK.stateDir, status: 'fail', summary: `${stateDir} is not writable`, hint };
  }
  if (isDir && (await writable(existing))) return { name: CHECK.stateDir, status: 'ok', summary: `${stateDir} (not there yet; glci run creates it)` };
  return { name: CHECK.stateDir, status: 'fail', summary: `${stateDir} cannot be created: ${existing} is not a writable directory`, hint };
}
