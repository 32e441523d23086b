// Support for the start-up tests: running the built CLI with what it loaded and evaluated recorded.
// Everything glci runs is in one bundle (dist/glci.cjs, scripts/build.mjs) in which each module is one
// function named after its path (`src/app/list-jobs.ts`, `node_modules/execa/index.js`) that runs when
// the module is first needed; V8's coverage of the bundle says which of them ran. What the process
// loaded from other files (node_modules, dist/live-reporter.js, dist/vendor/) is recorded by
// record-imports.mjs.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const bin = join(root, 'bin/run.js');

export interface Run {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RecordedRun extends Run {
  /** The bundle's modules whose code ran, by the path esbuild names them with. */
  evaluated: string[];
  /** Files loaded as modules, as URLs or paths. */
  loaded: string[];
}

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

const MODULE_NAME = /\/.*\.(c|m)?[jt]sx?$|\.json$/;

function evaluatedModules(coverageDir: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(coverageDir)) {
    const coverage = JSON.parse(readFileSync(join(coverageDir, file), 'utf8')) as Coverage;
    for (const script of coverage.result.filter((s) => s.url.endsWith('/dist/glci.cjs'))) {
      for (const fn of script.functions) if (MODULE_NAME.test(fn.functionName) && (fn.ranges[0]?.count ?? 0) > 0) names.add(fn.functionName);
    }
  }
  return [...names];
}

/** Runs `glci ARGS` in `cwd`, recording the modules it loaded and evaluated. */
export async function recordedRun(args: string[], cwd: string, env: Record<string, string> = {}): Promise<RecordedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'glci-startup-record-'));
  try {
    const record = join(dir, 'loaded.txt');
    const res = await execa(process.execPath, ['--import', join(root, 'test/cli/record-imports.mjs'), bin, ...args], {
      cwd,
      env: { ...env, RECORD_IMPORTS_FILE: record, NODE_V8_COVERAGE: join(dir, 'coverage'), NODE_COMPILE_CACHE: join(dir, 'cache') },
      reject: false,
    });
    return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr, evaluated: evaluatedModules(join(dir, 'coverage')), loaded: readFileSync(record, 'utf8').split('\n').filter(Boolean) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `glci ARGS` in `cwd` with `env` added to the test's environment. */
export async function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const res = await execa(process.execPath, [bin, ...args], { cwd, env, reject: false });
  return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr };
}
