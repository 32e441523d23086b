// glci's fast start (bin/version.js answering --version, src/cli/main.ts taking command classes from
// the bundle without oclif's plugin search, bin/load-bundle.js's code cache) must not change what glci
// prints or how it exits: every case is run on the fast path and on oclif's normal path
// (GLCI_FAST_PATH=0), and the two must agree byte for byte.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { root, run, type Run } from './startup-support.js';

const hello = join(root, 'examples/hello');
const work = mkdtempSync(join(tmpdir(), 'glci-startup-paths-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Without what differs from one process to the next: times, the pipeline id, Node's `(node:PID)`. */
function steady(res: Run): Run {
  const clockless = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>').replace(/\b1\d{9}\b/g, '<seconds>');
  return { exitCode: res.exitCode, stdout: clockless(res.stdout), stderr: res.stderr.replace(/^\(node:\d+\)/gm, '(node:PID)') };
}

async function bothPaths(args: string[], env: Record<string, string> = {}): Promise<{ fast: Run; normal: Run }> {
  // Each path with a code cache of its own, so neither run is the other's first.
  const [fast, normal] = await Promise.all([
    run(args, hello, { ...env, NODE_COMPILE_CACHE: join(work, 'fast') }),
    run(args, hello, { ...env, NODE_COMPILE_CACHE: join(work, 'normal'), GLCI_FAST_PATH: '0' }),
  ]);
  return { fast, normal };
}

const CASES: { name: string; args: string[]; exitCode: number }[] = [
  { name: '--version', args: ['--version'], exitCode: 0 },
  { name: '--version with more words', args: ['--version', 'list'], exitCode: 0 },
  { name: 'the root help', args: ['--help'], exitCode: 0 },
  { name: 'no arguments', args: [], exitCode: 0 },
  { name: 'a command help', args: ['list', '--help'], exitCode: 0 },
  { name: 'a topic', args: ['hook'], exitCode: 0 },
  { name: 'a topic command help', args: ['hook', 'run', '--help'], exitCode: 0 },
  { name: 'explain help', args: ['explain', '--help'], exitCode: 0 },
  { name: 'list', args: ['list'], exitCode: 0 },
  { name: 'list --json', args: ['list', '--json'], exitCode: 0 },
  { name: 'lint', args: ['lint'], exitCode: 0 },
  { name: 'lint --merged', args: ['lint', '--merged'], exitCode: 0 },
  { name: 'explain JOB', args: ['explain', 'unit'], exitCode: 0 },
  { name: 'completion of command names', args: ['__complete', 'c'], exitCode: 0 },
  { name: 'an unknown flag', args: ['list', '--no-such-flag'], exitCode: 2 },
  { name: 'a flag value not among its options', args: ['hook', 'run', '--hook', 'post-merge'], exitCode: 2 },
  { name: 'a missing argument', args: ['explain'], exitCode: 2 },
  { name: 'an unknown command', args: ['nosuch'], exitCode: 2 },
  { name: 'a missing --cwd directory', args: ['list', '--cwd', '/nonexistent/glci'], exitCode: 2 },
  { name: 'a missing pipeline file', args: ['lint', '--file', 'nope.yml'], exitCode: 2 },
  { name: 'an unknown job', args: ['explain', 'no-such-job'], exitCode: 2 },
];

describe('the fast path and oclif\'s normal path', () => {
  it.each(CASES)('print the same and exit alike: $name', async ({ args, exitCode }) => {
    const { fast, normal } = await bothPaths(args);
    expect(normal.exitCode, normal.stderr).toBe(exitCode);
    expect(steady(fast)).toEqual(steady(normal));
  });

  it('print the same --version when oclif has to answer it (debug output asked for)', async () => {
    const { fast, normal } = await bothPaths(['--version'], { GLCI_DEBUG: '1' });
    expect(fast).toEqual(normal);
    expect(fast.stdout).toMatch(/^glci\/\S+ \S+ node-v\S+$/);
  });

  it('print the same --version and warning in a working directory that is gone', async () => {
    const gone = async (fastPath: string) => {
      const script = `mkdir gone && cd gone && rmdir ../gone && exec "$0" "$1" --version`;
      const res = await execa('sh', ['-c', script, process.execPath, join(root, 'bin/run.js')], { cwd: mkdtempSync(join(work, 'gone-')), env: { GLCI_FAST_PATH: fastPath }, reject: false });
      return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr };
    };
    const [fast, normal] = await Promise.all([gone('1'), gone('0')]);
    expect(normal.stderr).toContain('current directory does not exist');
    expect(fast).toEqual(normal);
  });
});

describe('the code cache', () => {
  const cacheDir = join(work, 'cache');
  const caches = (): string[] => {
    const dirs = existsSync(cacheDir) ? readdirSync(cacheDir).filter((d) => d.startsWith('glci-')) : [];
    return dirs.flatMap((d) => readdirSync(join(cacheDir, d)).map((f) => join(cacheDir, d, f)));
  };
  const list = () => run(['list', '--json'], hello, { NODE_COMPILE_CACHE: cacheDir });

  it('is written after a successful run of a command, used by the next, and rewritten when unusable', async () => {
    const first = await list();
    expect(first.exitCode, first.stderr).toBe(0);
    const [file] = caches();
    expect(file).toMatch(new RegExp(`-${process.version.replace(/\./g, '\\.')}-${process.arch}-list\\.cache$`));
    expect(statSync(join(file!, '..')).mode & 0o077).toBe(0);
    const second = await list();
    expect(second).toEqual(first);
    writeFileSync(file!, 'not a code cache');
    const third = await list();
    expect(third).toEqual(first);
    expect(readFileSync(file!).length).toBeGreaterThan(1000);
  });

  it('is not written for a failed run, nor when NODE_DISABLE_COMPILE_CACHE is set', async () => {
    rmSync(cacheDir, { recursive: true, force: true });
    const failed = await run(['lint', '--file', 'nope.yml'], hello, { NODE_COMPILE_CACHE: cacheDir });
    expect(failed.exitCode).toBe(2);
    const disabled = await run(['list'], hello, { NODE_COMPILE_CACHE: cacheDir, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(disabled.exitCode, disabled.stderr).toBe(0);
    expect(caches()).toEqual([]);
  });
});
