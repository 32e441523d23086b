// `glci hook install` / `glci hook uninstall`: glci's hook file in the folder git runs hooks from
// (core.hooksPath, or the common git dir's `hooks`, also from a worktree). A hook glci did not write is
// never overwritten without --force, and then it is kept beside as `<hook>.glci-saved` and put back by
// uninstall, so trying glci costs the user nothing.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GlciError, UsageError } from '../errors.js';
import { hooksDirectory, repositoryLayout } from '../platform/hook-git.js';
import { hookScript, isGlciHook, type HookName, type HookSelection } from './git-hook-script.js';

export interface InstallOptions extends HookSelection {
  force: boolean;
  /** The node and bin/run.js the hook will start. */
  node: string;
  entry: string;
}

export interface InstallResult {
  hook: HookName;
  path: string;
  action: 'installed' | 'updated' | 'replaced';
  /** Where a foreign hook replaced with --force was kept. */
  savedAs?: string;
  /** The command the hook runs, for the user to see. */
  command: string;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Arguments of `glci hook run` as the hook gives them; git starts hooks at the top level, so `--cwd` is relative to it. */
async function runArguments(options: InstallOptions, projectDir: string): Promise<string[]> {
  const { prefix } = await repositoryLayout(projectDir);
  const args = ['--hook', options.hook];
  if (prefix !== '') args.push('--cwd', prefix.replace(/\/$/, ''));
  if (options.file !== '.gitlab-ci.yml') args.push('--file', options.file);
  if (options.jobs.length > 0) args.push('--jobs', options.jobs.join(','));
  if (options.stage) args.push('--stage', options.stage);
  if (options.withNeeds) args.push('--needs');
  return args;
}

export async function installHook(options: InstallOptions): Promise<InstallResult> {
  const projectDir = resolve(options.cwd ?? process.cwd());
  const dir = await hooksDirectory(projectDir);
  const path = join(dir, options.hook);
  const existing = await readText(path);
  const foreign = existing !== null && !isGlciHook(existing);
  if (foreign && !options.force) {
    throw new GlciError('usage', 'HOOK_EXISTS', `${path} exists and was not written by glci`, 'pass --force to replace it (it is kept as <hook>.glci-saved and restored by glci hook uninstall)');
  }
  const args = await runArguments(options, projectDir);
  await mkdir(dir, { recursive: true });
  let savedAs: string | undefined;
  if (foreign) {
    savedAs = `${path}.glci-saved`;
    await rename(path, savedAs);
  }
  await writeFile(path, hookScript({ hook: options.hook, node: options.node, entry: options.entry, args }));
  await chmod(path, 0o755);
  const action = foreign ? 'replaced' : existing === null ? 'installed' : 'updated';
  return { hook: options.hook, path, action, ...(savedAs ? { savedAs } : {}), command: `glci hook run ${args.join(' ')}` };
}

export interface UninstallOptions {
  cwd?: string;
  hook: HookName;
}

export interface UninstallResult {
  hook: HookName;
  path: string;
  action: 'removed' | 'absent';
  /** The user's own hook put back from `<hook>.glci-saved`. */
  restored: boolean;
}

export async function uninstallHook(options: UninstallOptions): Promise<UninstallResult> {
  const dir = await hooksDirectory(resolve(options.cwd ?? process.cwd()));
  const path = join(dir, options.hook);
  const existing = await readText(path);
  if (existing === null) return { hook: options.hook, path, action: 'absent', restored: false };
  if (!isGlciHook(existing)) throw new UsageError(`${path} was not written by glci; left as it is`, 'remove it yourself if you want it gone');
  await rm(path);
  const saved = `${path}.glci-saved`;
  const restored = (await readText(saved)) !== null;
  if (restored) await rename(saved, path);
  return { hook: options.hook, path, action: 'removed', restored };
}
