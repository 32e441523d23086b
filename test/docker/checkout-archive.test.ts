// The checkout archive in a real container, the way the docker executor delivers it: one putArchive
// at `/` into a created busybox container (no git, nothing else in the image), then the files are
// listed inside and the project is copied back out to check its repository with the host's git.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage } from '../../fixtures/images/build.js';
import { extractArchive } from '../../src/platform/archive.js';
import { checkoutArchive } from '../../src/platform/checkout-archive.js';
import { ensureDockerEngine } from '../setup/docker-engine.js';

const runLabel = 'org.glci.test-run';
// Needs a pax header (non-ASCII, longer than ustar's name fields): Docker's extraction must honour it.
const PAX_NAME = `ünï cødé/${'x'.repeat(200)}.txt`;
const runId = randomUUID();
const docker = new Docker();

let root = '';
let project = '';
let head = '';
let image = '';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' });
}

function makeProject(dir: string): string {
  mkdirSync(join(dir, 'src'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), 'v1\n');
  writeFileSync(join(dir, 'src', 'run.sh'), '#!/bin/sh\necho run\n');
  chmodSync(join(dir, 'src', 'run.sh'), 0o755);
  symlinkSync('README.md', join(dir, 'readme-link'));
  mkdirSync(join(dir, PAX_NAME, '..'));
  writeFileSync(join(dir, PAX_NAME), 'pax\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'c1');
  writeFileSync(join(dir, 'README.md'), 'v2\n');
  git(dir, 'commit', '-q', '-am', 'c2');
  writeFileSync(join(dir, 'README.md'), 'uncommitted\n');
  return git(dir, 'rev-parse', 'HEAD').trim();
}

async function removeLabelled(): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${runLabel}=${runId}`] } });
  await Promise.allSettled(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
}

beforeAll(async () => {
  await ensureDockerEngine();
  image = await ensureImage('busybox');
  root = mkdtempSync(join(tmpdir(), 'glci-checkout-docker-'));
  project = join(root, 'project');
  head = makeProject(project);
}, 30 * 60_000);

afterAll(async () => {
  if (image !== '') await removeLabelled();
  if (root !== '') rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('checkout archive in a real container', () => {
  it('lands at /builds/group/project owned by the image user, and is a working repository', async () => {
    const archive = await checkoutArchive({
      sourceDir: project,
      stateDir: join(project, '.glci'),
      prefix: 'builds/group/project',
      depth: 1,
      owner: { uid: 1000, gid: 1000 },
    });
    const script = [
      'cd /builds/group/project',
      'ls -ln . src',
      "stat -c '%a %u:%g %n' /builds /builds/group . .git .git/HEAD src/run.sh README.md",
      `cat '${PAX_NAME}'`,
      'readlink readme-link',
      'cat README.md',
    ].join(' && ');
    const container = await docker.createContainer({ Image: image, Cmd: ['sh', '-c', script], Tty: true, Labels: { [runLabel]: runId } });
    try {
      await container.putArchive(archive.stream, { path: '/' });
      await container.start();
      expect((await container.wait()) as { StatusCode: number }).toMatchObject({ StatusCode: 0 });
      const output = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('utf8').replace(/\r/g, '');
      expect(output).toMatch(/^-rw-r--r-- +1 1000 +1000 .* README\.md$/m);
      expect(output).toMatch(/^lrwxrwxrwx +1 1000 +1000 .* readme-link -> README\.md$/m);
      expect(output).toMatch(/^-rwxr-xr-x +1 1000 +1000 .* run\.sh$/m);
      for (const path of ['/builds', '/builds/group', '.', '.git']) expect(output).toContain(`755 1000:1000 ${path}\n`);
      expect(output).toContain('644 1000:1000 .git/HEAD\n');
      expect(output).toContain('755 1000:1000 src/run.sh\n');
      expect(output.trim().split('\n').slice(-3)).toEqual(['pax', 'README.md', 'uncommitted']);

      // The copy the container holds is a self-contained repository at the commit, with the edit as a change.
      const back = join(root, 'back');
      await extractArchive((await container.getArchive({ path: '/builds/group/project' })) as Readable, back);
      const copy = join(back, 'project');
      expect(git(copy, 'rev-parse', 'HEAD').trim()).toBe(head);
      expect(git(copy, 'status', '--porcelain').trim()).toBe('M README.md');
      expect(git(copy, 'log', '--oneline').trim().split('\n')).toHaveLength(1);
      git(copy, 'fsck', '--no-progress');
    } finally {
      await container.remove({ force: true });
    }
  }, 120_000);
});
