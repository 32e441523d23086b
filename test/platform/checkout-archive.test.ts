// checkoutArchive against real temporary repositories: the archive's entries (names, owners, modes,
// links), then real git in an extracted copy (HEAD, status, shallow history, no alternates), the
// cache of shallow repositories (reuse, concurrent builders), plain folders and unborn repositories.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/platform/archive.js';
import { checkoutArchive, type CheckoutArchiveOptions } from '../../src/platform/checkout-archive.js';
import { runGit } from '../../src/platform/run-git.js';
import type { GitRunner } from '../../src/platform/shallow-repository.js';

const OWNER = { uid: 1000, gid: 1001 };
const PREFIX = 'builds/group/project';
const SPACED = 'dir with space/ünïcode file.txt';
// Longer than ustar's 100-byte name field, and than name + prefix (255): both need a split or a pax header.
const LONG = `${'a'.repeat(60)}/${'b'.repeat(60)}/long.txt`;
const VERY_LONG = `${'c'.repeat(150)}/${'d'.repeat(150)}.txt`;
const LARGE = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 7919) % 251)); // streamed, not inlined

let root = '';
let project = '';
let head = '';
const saved: Record<string, string | undefined> = {};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

function write(dir: string, rel: string, content: string): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), content);
}

/** Five commits, then an uncommitted edit, an untracked, an ignored file and a state dir git does not ignore. */
function makeProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, '.gitignore', '*.log\n');
  write(dir, 'README.md', 'v1\n');
  write(dir, 'run.sh', '#!/bin/sh\necho run\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  symlinkSync('README.md', join(dir, 'readme-link'));
  write(dir, SPACED, 'unicode\n');
  write(dir, LONG, 'long\n');
  write(dir, VERY_LONG, 'very long\n');
  writeFileSync(join(dir, 'large.bin'), LARGE);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'c1');
  for (let i = 2; i <= 5; i += 1) {
    write(dir, 'README.md', `v${i}\n`);
    git(dir, 'commit', '-q', '-am', `c${i}`);
  }
  write(dir, 'README.md', 'uncommitted edit\n');
  write(dir, 'untracked.txt', 'new\n');
  write(dir, 'build.log', 'ignored\n');
  write(dir, '.glci/builds/1/leftover.txt', 'state\n');
  return git(dir, 'rev-parse', 'HEAD').trim();
}

function options(overrides: Partial<CheckoutArchiveOptions> = {}): CheckoutArchiveOptions {
  return { sourceDir: project, stateDir: join(project, '.glci'), prefix: PREFIX, depth: 3, owner: OWNER, ...overrides };
}

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

interface Entry {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  linkpath: string;
}

async function entriesOf(archive: Buffer): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const parser = new tar.Parser();
  parser.on('entry', (e: tar.ReadEntry) => {
    const { path, type, mode = 0, uid = -1, gid = -1, uname = '', linkpath = '' } = e;
    entries.set(path.replace(/\/$/, ''), { path, type, mode: mode & 0o7777, uid, gid, uname, linkpath });
    e.resume();
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    parser.end(archive);
  });
  return entries;
}

async function extracted(archive: Buffer, name: string): Promise<string> {
  const dir = join(root, name);
  await extractArchive(Readable.from([archive]), dir);
  return join(dir, PREFIX);
}

function countingGit(): { git: GitRunner; calls: string[][] } {
  const calls: string[][] = [];
  return { calls, git: (dir, args) => (calls.push([...args]), runGit(dir, args)) };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'glci-checkout-archive-'));
  for (const key of ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM']) saved[key] = process.env[key];
  const globalConfig = join(root, 'gitconfig');
  writeFileSync(globalConfig, '[user]\n\tname = Test\n\temail = test@example.com\n');
  process.env.GIT_CONFIG_GLOBAL = globalConfig;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  project = join(root, 'project');
  head = makeProject(project);
});

afterAll(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('checkoutArchive entries', () => {
  it('ships the working tree under the prefix, owned by the owner, with modes and links kept', async () => {
    const archive = await checkoutArchive(options());
    expect(archive.sha).toBe(head);
    expect(archive.files).toBe(9); // .gitignore README.md run.sh readme-link SPACED LONG VERY_LONG large.bin untracked.txt
    const entries = await entriesOf(await bytes(archive.stream));
    const names = [...entries.keys()];
    expect(names.slice(0, 3)).toEqual(['builds', 'builds/group', PREFIX]);
    const tree = ['.gitignore', 'README.md', 'dir with space', SPACED, 'readme-link', 'run.sh', 'untracked.txt', 'large.bin', LONG, VERY_LONG];
    const dirs = [LONG.slice(0, 60), LONG.slice(0, 121), VERY_LONG.slice(0, 150)];
    expect(names.filter((n) => n !== `${PREFIX}/.git` && !n.startsWith(`${PREFIX}/.git/`)).sort()).toEqual(
      ['builds', 'builds/group', PREFIX, ...[...tree, ...dirs].map((n) => `${PREFIX}/${n}`)].sort(),
    );
    for (const entry of entries.values()) expect([entry.path, entry.uid, entry.gid, entry.uname]).toEqual([entry.path, 1000, 1001, '']);
    expect(entries.get(`${PREFIX}/run.sh`)?.mode).toBe(0o755);
    expect(entries.get(`${PREFIX}/README.md`)?.mode).toBe(0o644);
    expect(entries.get(`${PREFIX}/readme-link`)).toMatchObject({ type: 'SymbolicLink', linkpath: 'README.md' });
    expect(entries.get(`${PREFIX}/dir with space`)).toMatchObject({ type: 'Directory', mode: 0o755 });
    expect(entries.has(`${PREFIX}/.git/objects/info/alternates`)).toBe(false);
    expect(entries.get(`${PREFIX}/.git/shallow`)?.type).toBe('File');
  });

  it('is read by GNU tar with numeric owners and no host user names', async () => {
    const file = join(root, 'gnu.tar');
    writeFileSync(file, await bytes((await checkoutArchive(options())).stream));
    const listing = execFileSync('tar', ['tvf', file, '--numeric-owner'], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.every((line) => line.split(/\s+/)[1] === '1000/1001')).toBe(true);
    expect(execFileSync('tar', ['tvf', file], { encoding: 'utf8' })).not.toMatch(/root/);
    expect(listing.some((line) => line.includes(`${PREFIX}/${SPACED}`))).toBe(true);
  });
});

describe('the shipped repository, with real git', () => {
  it('is detached at the source commit, shallow, self-contained, and shows exactly the uncommitted changes', async () => {
    const dir = await extracted(await bytes((await checkoutArchive(options())).stream), 'shallow');
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(git(dir, 'status', '--porcelain').split('\n').filter(Boolean)).toEqual([' M README.md', '?? untracked.txt']);
    expect(git(dir, 'log', '--oneline').trim().split('\n')).toHaveLength(3);
    expect(git(dir, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    expect(existsSync(join(dir, '.git/objects/info/alternates'))).toBe(false);
    expect(git(dir, 'describe', '--always').trim()).toBe(head.slice(0, 7));
    expect(git(dir, 'diff')).toContain('+uncommitted edit');
    expect(git(dir, 'branch', '-r').trim()).toBe('origin/main');
    expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD'); // detached
    git(dir, 'fsck', '--no-progress'); // every object HEAD's shallow history needs is there
    expect(existsSync(join(dir, 'build.log'))).toBe(false);
    expect(existsSync(join(dir, '.glci'))).toBe(false);
    expect(readFileSync(join(dir, 'large.bin')).equals(LARGE)).toBe(true);
  });

  it('ships the whole history, not shallow, when depth exceeds it', async () => {
    const dir = await extracted(await bytes((await checkoutArchive(options({ depth: 50 }))).stream), 'deep');
    expect(git(dir, 'log', '--oneline').trim().split('\n')).toHaveLength(5);
    expect(git(dir, 'rev-parse', '--is-shallow-repository').trim()).toBe('false');
  });

  it('extracts with GNU tar too: long names, unicode, links and modes intact', async () => {
    const file = join(root, 'gnu-extract.tar');
    writeFileSync(file, await bytes((await checkoutArchive(options())).stream));
    const out = join(root, 'gnu-extract');
    mkdirSync(out);
    execFileSync('tar', ['xf', file, '-C', out, '--no-same-owner']);
    const dir = join(out, PREFIX);
    expect(readFileSync(join(dir, VERY_LONG), 'utf8')).toBe('very long\n');
    expect(readFileSync(join(dir, LONG), 'utf8')).toBe('long\n');
    expect(readFileSync(join(dir, SPACED), 'utf8')).toBe('unicode\n');
    expect(readlinkSync(join(dir, 'readme-link'))).toBe('README.md');
    expect(statSync(join(dir, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(git(dir, 'status', '--porcelain').split('\n').filter(Boolean)).toEqual([' M README.md', '?? untracked.txt']);
  });

  it('ships the whole history with depth 0', async () => {
    const dir = await extracted(await bytes((await checkoutArchive(options({ depth: 0 }))).stream), 'full');
    expect(git(dir, 'log', '--oneline').trim().split('\n')).toHaveLength(5);
    expect(git(dir, 'rev-parse', '--is-shallow-repository').trim()).toBe('false');
    expect(existsSync(join(dir, '.git/shallow'))).toBe(false);
  });

  it('ships a valid repository from a shallow clone, with full history meaning what the clone has', async () => {
    const clone = join(root, 'shallow-clone');
    git(root, 'clone', '-q', '--depth', '2', `file://${project}`, clone);
    const archive = await checkoutArchive(options({ sourceDir: clone, stateDir: join(root, 'state-clone'), depth: 0 }));
    const dir = await extracted(await bytes(archive.stream), 'from-shallow-clone');
    expect(git(dir, 'log', '--oneline').trim().split('\n')).toHaveLength(2);
    expect(git(dir, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    git(dir, 'fsck', '--no-progress');
  });

  it('ships a pinned commit that is no branch tip', async () => {
    const parent = git(project, 'rev-parse', 'HEAD~1').trim();
    const archive = await checkoutArchive(options({ commit: parent, stateDir: join(root, 'state-pinned') }));
    expect(archive.sha).toBe(parent);
    const dir = await extracted(await bytes(archive.stream), 'pinned');
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(parent);
    expect(git(dir, 'log', '--oneline').trim().split('\n')).toHaveLength(3);
  });

  it('rejects with a git error, leaving no temporary directory, when the commit cannot be fetched', async () => {
    const stateDir = join(root, 'state-missing');
    await expect(checkoutArchive(options({ commit: '1'.repeat(40), stateDir }))).rejects.toMatchObject({ code: 'CHECKOUT_GIT' });
    expect(readdirSync(join(stateDir, 'git', 'shallow'))).toEqual([]);
  });

  it('writes the given ref and remote', async () => {
    const archive = await checkoutArchive(options({ ref: { name: 'v1.0', kind: 'tag' }, remoteUrl: 'https://gitlab.example.com/group/project.git' }));
    const dir = await extracted(await bytes(archive.stream), 'tagged');
    expect(git(dir, 'describe', '--tags').trim()).toBe('v1.0');
    expect(git(dir, 'remote', 'get-url', 'origin').trim()).toBe('https://gitlab.example.com/group/project.git');
  });
});

describe('the cache of shallow repositories', () => {
  it('reuses the repository built for a commit and depth: no second fetch, same directory', async () => {
    const stateDir = join(root, 'state-reuse');
    const first = countingGit();
    await bytes((await checkoutArchive(options({ stateDir, git: first.git }))).stream);
    expect(first.calls.filter((args) => args.includes('fetch'))).toHaveLength(1);
    const cacheDir = join(stateDir, 'git', 'shallow', `${head}-depth-3`);
    const inode = statSync(cacheDir).ino;
    const second = countingGit();
    await bytes((await checkoutArchive(options({ stateDir, git: second.git }))).stream);
    expect(second.calls).toHaveLength(1); // only the rev-parse of the source's facts
    expect(statSync(cacheDir).ino).toBe(inode);
  });

  it('survives concurrent builders of the same commit: one cache directory, no temporary leftovers', async () => {
    const stateDir = join(root, 'state-concurrent');
    const archives = await Promise.all([1, 2, 3].map(() => checkoutArchive(options({ stateDir, depth: 2 }))));
    await Promise.all(archives.map((a) => bytes(a.stream)));
    expect(readdirSync(join(stateDir, 'git', 'shallow'))).toEqual([`${head}-depth-2`]);
  });

  it('removes cached repositories unused for a week when it builds a new one', async () => {
    const stateDir = join(root, 'state-prune');
    const stale = join(stateDir, 'git', 'shallow', `${'0'.repeat(40)}-depth-3`);
    mkdirSync(join(stale, '.git'), { recursive: true });
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(stale, weekAgo, weekAgo);
    await bytes((await checkoutArchive(options({ stateDir }))).stream);
    expect(readdirSync(join(stateDir, 'git', 'shallow'))).toEqual([`${head}-depth-3`]);
  });
});

describe('sources without commits', () => {
  it('ships a plain folder without .git', async () => {
    const plain = join(root, 'plain');
    write(plain, 'a/b.txt', 'b\n');
    write(plain, 'c.txt', 'c\n');
    const archive = await checkoutArchive(options({ sourceDir: plain, stateDir: join(plain, '.glci') }));
    expect(archive).toMatchObject({ sha: null, files: 2 });
    const names = [...(await entriesOf(await bytes(archive.stream))).keys()];
    expect(names).toEqual(['builds', 'builds/group', PREFIX, `${PREFIX}/a`, `${PREFIX}/a/b.txt`, `${PREFIX}/c.txt`]);
  });

  it('ships an empty repository when there is no commit yet', async () => {
    const unborn = join(root, 'unborn');
    mkdirSync(unborn);
    git(unborn, 'init', '-q', '-b', 'trunk');
    write(unborn, 'first.txt', '1\n');
    const archive = await checkoutArchive(options({ sourceDir: unborn, stateDir: join(unborn, '.glci') }));
    expect(archive.sha).toBeNull();
    const dir = await extracted(await bytes(archive.stream), 'unborn-out');
    expect(git(dir, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/trunk');
    expect(git(dir, 'status', '--porcelain').trim()).toBe('?? first.txt');
  });
});

describe('cancellation', () => {
  it('destroys the stream when the signal aborts', async () => {
    const controller = new AbortController();
    const archive = await checkoutArchive(options({ signal: controller.signal }));
    controller.abort(new Error('stop'));
    await expect(bytes(archive.stream)).rejects.toThrow();
  });

  it('rejects before any work when already aborted', async () => {
    await expect(checkoutArchive(options({ signal: AbortSignal.abort(new Error('early')) }))).rejects.toThrow('early');
  });
});
