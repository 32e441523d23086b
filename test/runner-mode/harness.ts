// Runs glci's runner loop in-process against the coordinator double: a config.toml with one runner of
// the given executor, short trace intervals and retry pauses, and the process log captured.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runRunners } from '../../src/app/runner-run.js';
import { startCoordinator, type Coordinator, type CoordinatorOptions } from '../support/coordinator/coordinator.js';

export interface RunnerUnderTest {
  dir: string;
  configFile: string;
  /** The runner process's log so far. */
  log(): string;
  /** SIGQUIT-like: stop taking jobs, wait for running ones; resolves with the exit status. */
  stop(): Promise<number>;
}

export interface RunnerSetup {
  coordinator: Coordinator;
  token: string;
  executor: 'shell' | 'docker' | 'kubernetes';
  concurrent?: number;
  /** Extra lines in the `[[runners]]` entry (and its sub-tables). */
  runnerToml?: string[];
  globalToml?: string[];
  traceIntervalMs?: number;
  /** Runs after config.toml is written and before the runner starts (files beside it, such as certs/). */
  beforeStart?: (dir: string) => Promise<void>;
}

export async function startRunner(setup: RunnerSetup): Promise<RunnerUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'glci-runner-'));
  const configFile = join(dir, 'config.toml');
  const toml = [
    `concurrent = ${setup.concurrent ?? 1}`,
    'check_interval = 1',
    'shutdown_timeout = 5',
    ...(setup.globalToml ?? []),
    '',
    '[[runners]]',
    `  name = "test-${setup.executor}"`,
    `  url = "${setup.coordinator.url}"`,
    `  token = "${setup.token}"`,
    `  executor = "${setup.executor}"`,
    ...(setup.runnerToml ?? []),
    '',
  ].join('\n');
  await writeFile(configFile, toml, { mode: 0o600 });
  await setup.beforeStart?.(dir);
  const lines: string[] = [];
  const stop = new AbortController();
  const done = runRunners({
    configPath: configFile,
    workingDirectory: dir,
    version: '0.0.0-test',
    env: { ...process.env, HOME: dir },
    stderr: { write: (text: string) => lines.push(text) },
    stop: stop.signal,
    trace: { updateIntervalMs: setup.traceIntervalMs ?? 100, forceSendIntervalMs: 5_000 },
    retry: { attempts: 5, minDelayMs: 20, maxDelayMs: 100 },
  });
  return {
    dir,
    configFile,
    log: () => lines.join(''),
    stop: async () => {
      stop.abort();
      return done;
    },
  };
}

/** A GitLab-shaped variable. */
export function variable(key: string, value: string, flags: { masked?: boolean; public?: boolean; file?: boolean; raw?: boolean } = {}) {
  return { key, value, public: flags.public ?? !flags.masked, masked: flags.masked ?? false, file: flags.file ?? false, raw: flags.raw ?? false };
}

/** The `script` and `after_script` steps GitLab sends. */
export function steps(script: string[], afterScript: string[] = [], timeout = 3600) {
  return [
    { name: 'script', script, timeout, when: 'on_success' as const, allow_failure: false },
    ...(afterScript.length > 0 ? [{ name: 'after_script', script: afterScript, timeout, when: 'always' as const, allow_failure: true }] : []),
  ];
}

/**
 * A coordinator double and one shell runner polling it, started before the file's (or describe
 * block's) tests and stopped after them; the getters give them to the tests.
 */
export function useShellRunner(options: CoordinatorOptions = { longPollMs: 1_000 }): { coordinator: () => Coordinator; runner: () => RunnerUnderTest } {
  let coordinator: Coordinator | undefined;
  let runner: RunnerUnderTest | undefined;
  beforeAll(async () => {
    coordinator = await startCoordinator(options);
    runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell' });
  });
  afterAll(async () => {
    await runner?.stop();
    await coordinator?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useShellRunner: used before its beforeAll ran');
    return value;
  };
  return { coordinator: () => started(coordinator), runner: () => started(runner) };
}
