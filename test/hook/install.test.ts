// `glci hook install` / `uninstall` in a real repository: where the hook goes (core.hooksPath
// honoured), what it runs, and that a hook glci did not write is never lost.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHookRepo, writeForeignHook, type HookRepo } from './hook-support.js';

let repo: HookRepo | undefined;
afterEach(() => repo?.remove());

const CONFIG = { '.gitlab-ci.yml': 'unit:\n  script: [echo ok]\n' };

describe('glci hook install', () => {
  it('writes an executable pre-commit hook that starts this node and this glci by absolute path', async () => {
    repo = await createHookRepo(CONFIG);
    const res = await repo.glci(['hook', 'install', '--cwd', repo.dir, '--jobs', 'unit,lint', '--stage', 'check']);
    expect(res.exitCode, res.stderr).toBe(0);
    const path = join(repo.dir, '.git', 'hooks', 'pre-commit');
    const text = readFileSync(path, 'utf8');
    expect(statSync(path).mode & 0o111).not.toBe(0);
    expect(text).toMatch(/^#!\/bin\/sh\n# glci-managed hook/);
    expect(text).toContain(`node='${process.execPath}'`);
    expect(text).toContain('hook run --hook pre-commit --jobs unit,lint --stage check "$@"');
    expect(res.stdout).toContain('Installed');
  });

  it('honours core.hooksPath', async () => {
    repo = await createHookRepo(CONFIG);
    await repo.git(['config', 'core.hooksPath', 'githooks']);
    const res = await repo.glci(['hook', 'install', '--cwd', repo.dir, '--hook', 'pre-push']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(readFileSync(join(repo.dir, 'githooks', 'pre-push'), 'utf8')).toContain('--hook pre-push');
    expect(existsSync(join(repo.dir, '.git', 'hooks', 'pre-push'))).toBe(false);
  });

  it('from a linked worktree, writes into the repository\'s common hooks folder', async () => {
    repo = await createHookRepo(CONFIG);
    const worktree = join(repo.dir, '..', 'worktree');
    expect((await repo.git(['worktree', 'add', '-q', '-b', 'feature', worktree])).exitCode).toBe(0);
    const res = await repo.glci(['hook', 'install', '--cwd', worktree]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(readFileSync(join(repo.dir, '.git', 'hooks', 'pre-commit'), 'utf8')).toContain('glci-managed hook');
  });

  it('refuses to overwrite a foreign hook without --force, keeps it with --force, and uninstall puts it back', async () => {
    repo = await createHookRepo(CONFIG);
    const path = join(repo.dir, '.git', 'hooks', 'pre-commit');
    writeForeignHook(path);
    const refused = await repo.glci(['hook', 'install', '--cwd', repo.dir]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('was not written by glci');
    expect(readFileSync(path, 'utf8')).toContain('echo mine');

    const forced = await repo.glci(['hook', 'install', '--cwd', repo.dir, '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain('glci-managed hook');
    expect(readFileSync(`${path}.glci-saved`, 'utf8')).toContain('echo mine');

    const removed = await repo.glci(['hook', 'uninstall', '--cwd', repo.dir]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain('echo mine');
    expect(existsSync(`${path}.glci-saved`)).toBe(false);
  });

  it('uninstall removes only glci\'s hook', async () => {
    repo = await createHookRepo(CONFIG);
    const path = join(repo.dir, '.git', 'hooks', 'pre-commit');
    expect((await repo.glci(['hook', 'install', '--cwd', repo.dir])).exitCode).toBe(0);
    expect((await repo.glci(['hook', 'uninstall', '--cwd', repo.dir])).exitCode).toBe(0);
    expect(existsSync(path)).toBe(false);
    const absent = await repo.glci(['hook', 'uninstall', '--cwd', repo.dir]);
    expect(absent.exitCode).toBe(0);
    expect(absent.stdout).toContain('No pre-commit hook');

    writeForeignHook(path);
    const refused = await repo.glci(['hook', 'uninstall', '--cwd', repo.dir]);
    expect(refused.exitCode).toBe(2);
    expect(readFileSync(path, 'utf8')).toContain('echo mine');
  });
});
