// Acceptance fixtures: every directory under test/fixtures is a small project whose expected
// `glci list --json` / `glci lint --merged --json` output was written from GitLab's documented
// behaviour (docs/specs), not from glci's output. Format: test/fixtures/README.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitLab, type FakeGitLab } from '../support/fake-gitlab.js';
import { createCheckout, isolatedEnv, type FixtureCheckout } from './fixture-checkout.js';
import { contextFlags, readFixtureContext, type FixtureContext } from './fixture-context.js';
import { variableProblems, type ExpectedVariables } from './expected-variables.js';
import { projectOnto } from './partial-match.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixturesRoot = join(repoRoot, 'test', 'fixtures');
const errorsRoot = join(fixturesRoot, 'errors');
const cliEntry = join(repoRoot, 'bin', 'run.js');
const TEST_TIMEOUT_MS = 60_000;

interface CliRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

interface ExpectedError {
  file?: string;
  line: number;
  column: number;
  /** A substring of the message, or several substrings that must all occur. */
  contains?: string | string[];
}

interface ExpectedErrors {
  exitCode: number;
  errors: ExpectedError[];
}

interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

function subdirectories(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The GitLab instance the fixtures see: an empty one on 127.0.0.1, so an include glci would fetch
 * (a template no template directory has) gets GitLab's 404 and no test reaches the internet.
 */
let gitlab: FakeGitLab | null = null;

async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const result = await execa(process.execPath, [cliEntry, ...args], {
    cwd: repoRoot,
    env: { ...isolatedEnv(), ...(gitlab ? { GLCI_GITLAB_URL: gitlab.url } : {}), ...env },
    extendEnv: false,
    reject: false,
    timeout: 30_000,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function describeRun(command: string, run: CliRun): string {
  return `${command} exited ${String(run.exitCode)}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

function parseStdoutJson(command: string, run: CliRun): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not JSON.\n${describeRun(command, run)}`);
  }
}

async function withCheckout(fixtureDir: string, context: FixtureContext, body: (checkout: FixtureCheckout) => Promise<void>): Promise<void> {
  const checkout: FixtureCheckout = await createCheckout(fixtureDir, context);
  try {
    await body(checkout);
  } finally {
    checkout.remove();
  }
}

function jobNames(list: unknown): unknown[] {
  if (!Array.isArray(list)) return [list];
  return list.map((job: unknown) => (typeof job === 'object' && job !== null ? (job as { name?: unknown }).name : job));
}

async function checkList(fixtureDir: string, checkout: FixtureCheckout, flags: string[]): Promise<void> {
  const command = 'glci list --json';
  const run = await runCli(['list', '--json', '--cwd', checkout.dir, ...flags], checkout.env);
  const expected = readJson(join(fixtureDir, 'expected-list.json'));
  const reasonFile = join(fixtureDir, 'expected-reason.txt');
  if (existsSync(reasonFile)) {
    // A pipeline GitLab does not create: no jobs, and the reason is reported (exit code unspecified).
    const reason = readFileSync(reasonFile, 'utf8').trim();
    expect(`${run.stdout}\n${run.stderr}`, describeRun(command, run)).toContain(reason);
  } else {
    expect(run.exitCode, describeRun(command, run)).toBe(0);
  }
  const actual = parseStdoutJson(command, run);
  expect(Array.isArray(actual), describeRun(command, run)).toBe(true);
  // Names first: a missing, extra or misplaced job gives the clearest diff.
  expect(jobNames(actual), 'job names in stage order, then definition order').toEqual(jobNames(expected));
  expect(projectOnto(expected, actual), 'listed fields of each job').toEqual(expected);
}

async function checkMerged(fixtureDir: string, checkout: FixtureCheckout, flags: string[]): Promise<void> {
  const expectedFile = join(fixtureDir, 'expected-merged.json');
  if (!existsSync(expectedFile)) return;
  const command = 'glci lint --merged --json';
  const run = await runCli(['lint', '--merged', '--json', '--cwd', checkout.dir, ...flags], checkout.env);
  expect(run.exitCode, describeRun(command, run)).toBe(0);
  const expected = readJson(expectedFile);
  const actual = parseStdoutJson(command, run);
  expect(projectOnto(expected, actual), 'merged configuration (subset)').toEqual(expected);
}

async function checkVariables(fixtureDir: string, checkout: FixtureCheckout, flags: string[]): Promise<void> {
  const expectedFile = join(fixtureDir, 'expected-variables.json');
  if (!existsSync(expectedFile)) return;
  const command = 'glci list --json --show-variables';
  const run = await runCli(['list', '--json', '--show-variables', '--cwd', checkout.dir, ...flags], checkout.env);
  expect(run.exitCode, describeRun(command, run)).toBe(0);
  const jobs = parseStdoutJson(command, run) as { name: string; variables?: Record<string, string> }[];
  const problems = variableProblems(checkout.dir, readJson(expectedFile) as ExpectedVariables, jobs);
  expect(problems, 'predefined variables of the pipeline').toEqual([]);
}

/** Diagnostic lines have the shape `<file>:<line>:<column>: <message>`. */
function parseDiagnostics(stderr: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    const match = /^(.+?):(\d+):(\d+): (.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, file = '', lineNo = '0', column = '0', message = ''] = match;
    diagnostics.push({ file, line: Number(lineNo), column: Number(column), message });
  }
  return diagnostics;
}

function matchesExpected(diagnostic: Diagnostic, expected: ExpectedError): boolean {
  const file = expected.file ?? '.gitlab-ci.yml';
  const sameFile = diagnostic.file === file || diagnostic.file.endsWith(`/${file}`);
  return (
    sameFile &&
    diagnostic.line === expected.line &&
    diagnostic.column === expected.column &&
    [expected.contains ?? []].flat().every((part) => diagnostic.message.includes(part))
  );
}

async function checkErrors(fixtureDir: string, checkout: FixtureCheckout, flags: string[]): Promise<void> {
  const command = 'glci list';
  const expected = readJson(join(fixtureDir, 'expected-errors.json')) as ExpectedErrors;
  const run = await runCli(['list', '--cwd', checkout.dir, ...flags], checkout.env);
  expect(run.exitCode, describeRun(command, run)).toBe(expected.exitCode);
  expect(run.stderr, 'no stack trace on stderr').not.toMatch(/^ {4}at /m);
  const diagnostics = parseDiagnostics(run.stderr);
  const missing = expected.errors.filter((error) => !diagnostics.some((d) => matchesExpected(d, error)));
  expect(missing, `expected diagnostics not found on stderr:\n${run.stderr}`).toEqual([]);
}

beforeAll(async () => {
  // These tests drive the built CLI, as a user would run it.
  if (!existsSync(join(repoRoot, 'dist', 'commands'))) {
    throw new Error('glci is not built (dist/commands is missing): run `npm run build` first');
  }
  gitlab = await startFakeGitLab({ token: 'fixtures-have-no-token', projects: {} });
});

afterAll(async () => {
  await gitlab?.close();
});

describe('pipeline fixtures (glci list --json, glci lint --merged --json)', () => {
  const names = subdirectories(fixturesRoot).filter((name) => name !== 'errors');
  it('has fixtures', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) {
    const fixtureDir = join(fixturesRoot, name);
    it(name, async () => {
      const context = readFixtureContext(fixtureDir);
      const flags = contextFlags(context);
      await withCheckout(fixtureDir, context, async (checkout) => {
        await checkList(fixtureDir, checkout, flags);
        await checkMerged(fixtureDir, checkout, flags);
        await checkVariables(fixtureDir, checkout, flags);
      });
    }, TEST_TIMEOUT_MS);
  }
});

describe('configuration error fixtures (glci list)', () => {
  const names = existsSync(errorsRoot) ? subdirectories(errorsRoot) : [];
  it('has error fixtures', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) {
    const fixtureDir = join(errorsRoot, name);
    it(name, async () => {
      const context = readFixtureContext(fixtureDir);
      await withCheckout(fixtureDir, context, async (checkout) => {
        await checkErrors(fixtureDir, checkout, contextFlags(context));
      });
    }, TEST_TIMEOUT_MS);
  }
});
