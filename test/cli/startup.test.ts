// Start-up is a feature (DESIGN.md habit 10): `glci list` must not load Docker, Kubernetes, ink or
// chokidar code. Records every module the real CLI process resolves and checks the heavy ones are absent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glci-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAVY = ['/node_modules/dockerode/', '/dist/vendor/dockerode', '/node_modules/@kubernetes/', '/node_modules/ink/', '/node_modules/react/', '/node_modules/chokidar/'];

describe('start-up of glci list', () => {
  it('resolves no docker, kubernetes, ink or chokidar module', async () => {
    const record = join(dir, 'imports.txt');
    const res = await execa(process.execPath, ['--import', join(root, 'test/cli/record-imports.mjs'), join(root, 'bin/run.js'), 'list', '--cwd', join(root, 'examples/hello')], {
      env: { RECORD_IMPORTS_FILE: record },
      reject: false,
    });
    expect(res.exitCode, res.stderr).toBe(0);
    const urls = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    // The recorder itself must work: the CLI's own modules are in the list.
    expect(urls.some((u) => u.includes('/dist/commands/list.js'))).toBe(true);
    const heavy = urls.filter((u) => HEAVY.some((h) => u.includes(h)));
    expect(heavy).toEqual([]);
  });
});
