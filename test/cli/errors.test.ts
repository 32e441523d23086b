// Bad input at the CLI boundary: clear message, exit status 2, never a stack trace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glci-cli-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function glci(...args: string[]) {
  return execa(process.execPath, [bin, ...args], { reject: false, env: { GLCI_DEBUG: '' } });
}

function expectNoStack(text: string) {
  expect(text).not.toMatch(/^\s+at /m);
}

describe('CLI errors', () => {
  it('an unknown flag exits 2 with a usage message', async () => {
    const res = await glci('list', '--no-such-flag');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/no-such-flag/);
    expectNoStack(res.stderr);
  });

  it('a missing --cwd directory exits 2', async () => {
    const res = await glci('list', '--cwd', join(dir, 'does-not-exist'));
    expect(res.exitCode).toBe(2);
    expectNoStack(res.stderr);
  });

  it('a missing pipeline file exits 2 and names the file', async () => {
    const res = await glci('lint', '--cwd', dir, '--file', 'nope.yml');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('nope.yml');
    expectNoStack(res.stderr);
  });

  it('bad YAML exits 2 with FILE:LINE:COLUMN', async () => {
    writeFileSync(join(dir, 'bad.yml'), 'job:\n  script: [echo\n  stage: test\n');
    const res = await glci('lint', '--cwd', dir, '--file', 'bad.yml');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/^bad\.yml:\d+:\d+: /m);
    expectNoStack(res.stderr);
  });

  it('--json errors are JSON on stdout and text on stderr', async () => {
    writeFileSync(join(dir, 'unknown.yml'), 'job:\n  scirpt: echo\n');
    const res = await glci('lint', '--cwd', dir, '--file', 'unknown.yml', '--json');
    expect(res.exitCode).toBe(2);
    const out = JSON.parse(res.stdout) as { error: { code: string; diagnostics: { message: string; location: { line: number; column: number } | null }[] } };
    expect(out.error.code).toBe('CONFIG_INVALID');
    const unknownKey = out.error.diagnostics.find((d) => d.message.includes('scirpt'));
    expect(unknownKey?.location).toMatchObject({ line: 2, column: 3 });
    expect(res.stderr).toMatch(/^unknown\.yml:2:3: .*scirpt/m);
  });

  it('masks masked variables in error messages', async () => {
    const project = join(dir, 'masked');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, '.glci-variables.yml'), 'SECRET: {value: s3cr3t-value-123, masked: true}\n');
    writeFileSync(join(project, '.gitlab-ci.yml'), 'include: "ci/$SECRET.yml"\njob:\n  script: echo\n');
    for (const command of ['list', 'lint']) {
      const res = await glci(command, '--cwd', project);
      expect(res.exitCode).toBe(2);
      expect(res.stderr).toContain('[MASKED]');
      expect(`${res.stdout}${res.stderr}`).not.toContain('s3cr3t-value-123');
    }
  });
});
