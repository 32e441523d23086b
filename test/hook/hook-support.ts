// A throw-away git repository (real git, real commits) with an isolated HOME, identity and config, and
// the built glci started on it: what the `glci hook` tests work in.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { isolatedEnv } from '../acceptance/fixture-git.js';

const cliEntry = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface HookRepo {
  dir: string;
  env: Record<string, string>;
  write(path: string, text: string): void;
  git(args: readonly string[], input?: string): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  glci(args: readonly string[], input?: string): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  remove(): void;
}

/** A repository with `files` committed on `main` (one commit). */
export async function createHookRepo(files: Record<string, string>): Promise<HookRepo> {
  const outside = mkdtempSync(join(tmpdir(), 'glci-hook-test-'));
  const dir = join(outside, 'project');
  const home = join(outside, 'home');
  mkdirSync(dir, { recursive: true });
  mkdirSync(home, { recursive: true });
  // The identity lives in HOME's config so the hook's own git calls and `git commit` agree.
  const env = { ...isolatedEnv(), HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_GLOBAL: join(home, '.gitconfig') };
  writeFileSync(env.GIT_CONFIG_GLOBAL, '[user]\n\tname = t\n\temail = t@e\n[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n');
  const run = async (file: string, args: readonly string[], input?: string) => {
    const res = await execa(file, [...args], { cwd: dir, env, extendEnv: false, reject: false, timeout: 60_000, ...(input !== undefined ? { input } : { stdin: 'ignore' }) });
    return { exitCode: res.exitCode, stdout: String(res.stdout), stderr: String(res.stderr) };
  };
  const repo: HookRepo = {
    dir,
    env,
    write: (path, text) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
    git: (args, input) => run('git', args, input),
    glci: (args, input) => run(process.execPath, [cliEntry, ...args], input),
    remove: () => rmSync(outside, { recursive: true, force: true }),
  };
  for (const [path, text] of Object.entries(files)) repo.write(path, text);
  await repo.git(['init', '-q', '-b', 'main']);
  await repo.git(['add', '.']);
  await repo.git(['commit', '-q', '-m', 'initial']);
  return repo;
}

/** A foreign hook: the user's own script, without glci's marker. */
export function writeForeignHook(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\necho mine\n');
  chmodSync(path, 0o755);
}
