// removeTree: `rm -rf` of a job's build folder, small trees synchronously, large ones with Node's rm.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTree } from '../../src/executors/shell/remove-tree.js';

const root = mkdtempSync(join(tmpdir(), 'glci-remove-tree-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string, files: number): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'a', 'b', 'c'), { recursive: true });
  mkdirSync(join(dir, 'empty'));
  for (let i = 0; i < files; i++) writeFileSync(join(dir, 'a', i % 2 ? 'b' : 'b/c', `f${i}`), `${i}`);
  return dir;
}

describe('removeTree', () => {
  it('removes a small tree, links without following them', async () => {
    const dir = tree('small', 10);
    const outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'kept'), 'kept');
    symlinkSync(outside, join(dir, 'a', 'link'));
    await removeTree(dir);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(outside, 'kept'))).toBe(true);
  });

  it('removes a large tree', async () => {
    const dir = tree('large', 500);
    await removeTree(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('is no error for a missing folder', async () => {
    await expect(removeTree(join(root, 'missing'))).resolves.toBeUndefined();
  });

  it('removes read-only files, as rm -rf does', async () => {
    const dir = tree('read-only', 4);
    chmodSync(join(dir, 'a', 'b', 'f1'), 0o444);
    await removeTree(dir);
    expect(existsSync(dir)).toBe(false);
  });
});
