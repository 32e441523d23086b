// The isolated process environment and the git invocation the fixture checkouts are built with.
import { devNull } from 'node:os';
import { execa } from 'execa';

/**
 * An environment without the caller's git, CI and glci settings, so a developer's global git
 * config (signing, default branch) or a surrounding CI job cannot change the outcome.
 */
export function isolatedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GIT_|CI_|GITLAB_|GLCI_)/.test(name) || name === 'CI') continue;
    env[name] = value;
  }
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: devNull, NO_COLOR: '1' };
}

/** Runs git in `cwd` with a fixed identity and no signing. */
export async function git(cwd: string, args: string[]): Promise<void> {
  const identity = ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'commit.gpgsign=false'];
  await execa('git', [...identity, ...args], { cwd, env: isolatedEnv(), extendEnv: false });
}
