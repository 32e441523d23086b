import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { generateSystemId, readOrCreateSystemId } from '../../src/app/runner-system-id.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'glci-system-id-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

it('derives s_ + 12 hex of HMAC-SHA256(machine id, "gitlab-runner") and stores it next to config.toml', async () => {
  const machineId = join(dir, 'machine-id');
  await writeFile(machineId, '0123456789abcdef0123456789abcdef\n');
  const expected = `s_${createHmac('sha256', '0123456789abcdef0123456789abcdef').update('gitlab-runner').digest('hex').slice(0, 12)}`;
  const configDir = join(dir, 'etc');
  expect(await readOrCreateSystemId(configDir, { machineIdFiles: [join(dir, 'missing'), machineId] })).toBe(expected);
  expect(await readFile(join(configDir, '.runner_system_id'), 'utf8')).toBe(`${expected}\n`);
  expect((await stat(join(configDir, '.runner_system_id'))).mode & 0o777).toBe(0o600);
  // Reused even when the machine id changes.
  await writeFile(machineId, 'other');
  expect(await readOrCreateSystemId(configDir, { machineIdFiles: [machineId] })).toBe(expected);
});

it('falls back to r_ + 12 random alphanumerics', async () => {
  const id = await generateSystemId({ machineIdFiles: [join(dir, 'missing')] });
  expect(id).toMatch(/^r_[0-9A-Za-z]{12}$/);
  expect(await generateSystemId({ machineIdFiles: [] })).not.toBe(id);
});
