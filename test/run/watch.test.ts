// `glci run --watch` end to end (issue step 5, point 2): the built CLI on a real git repository, real
// chokidar, shell executor jobs. Runs once; an edit re-runs only the job whose rules:changes match it
// (GitLab: changes compares the push's files); an edit during a long job cancels that run gracefully
// (after_script runs with CI_JOB_STATUS=canceled, no process left) and starts a new one; a broken
// .gitlab-ci.yml shows lint's FILE:LINE:COLUMN error and waits; the fix runs again; Ctrl-C exits 130.
// Every step waits for glci's own output (generous timeouts), never for a fixed time.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  createRunProject,
  glciArgs,
  glciEnv,
  parseEvents,
  processAppears,
  survivingProcesses,
  uniqueMarker,
  type RunEvent,
  type RunProject,
} from './run-support.js';

const STEP_TIMEOUT_MS = 30_000;

/** The output of a running glci, with a way to wait until it says something. */
class Output {
  stdout = '';
  stderr = '';
  private readonly checks = new Set<() => void>();

  constructor(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }) {
    child.stdout?.on('data', (chunk: Buffer) => this.append('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.append('stderr', chunk));
  }

  private append(which: 'stdout' | 'stderr', chunk: Buffer): void {
    this[which] += chunk.toString('utf8');
    for (const check of [...this.checks]) check();
  }

  /** Resolves once `ready()` holds; fails with everything seen so far after a generous timeout. */
  until(what: string, ready: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        this.checks.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.checks.delete(check);
        reject(new Error(`waited in vain for ${what}\n--- stderr\n${this.stderr}\n--- stdout (tail)\n${this.stdout.slice(-3000)}`));
      }, STEP_TIMEOUT_MS);
      this.checks.add(check);
      check();
    });
  }

  count(text: string): number {
    return this.stderr.split(text).length - 1;
  }

  /** Waits for the n-th time the loop says it is idle. */
  idle(n: number): Promise<void> {
    return this.until(`idle #${n}`, () => this.count('watch: waiting for changes') >= n);
  }

  /** The NDJSON events, one array per pipeline run. */
  pipelines(): RunEvent[][] {
    const complete = this.stdout.slice(0, this.stdout.lastIndexOf('\n') + 1);
    const runs: RunEvent[][] = [];
    for (const event of parseEvents(complete, { exitCode: undefined, stdout: complete, stderr: this.stderr })) {
      if (event.type === 'pipeline_start') runs.push([]);
      runs.at(-1)?.push(event);
    }
    return runs;
  }
}

function started(run: readonly RunEvent[]): string[] {
  return run.filter((e) => e.type === 'job_start').map((e) => e.job ?? '').sort();
}

function ended(run: readonly RunEvent[]): Record<string, string> {
  return Object.fromEntries(run.filter((e) => e.type === 'job_end').map((e) => [e.job ?? '', e.result?.status ?? '']));
}

function pipelineStatus(run: readonly RunEvent[]): string | undefined {
  return run.find((e) => e.type === 'pipeline_end')?.result?.status;
}

function edit(project: RunProject, file: string, text: string): void {
  writeFileSync(join(project.dir, file), text);
}

describe('glci run --watch', () => {
  it('re-runs what the changes select, cancels a run cleanly, survives a broken config and exits 130 on Ctrl-C', async () => {
    const project = await createRunProject('watch');
    const child = execa(process.execPath, [...glciArgs(project, ['--watch', '--json', '--executor', 'shell', '--variable', `EVIDENCE_DIR=${project.scratchDir}`], {})], {
      cwd: project.dir,
      env: glciEnv(project),
      extendEnv: false,
      reject: false,
      timeout: 180_000,
    });
    const out = new Output(child);
    const evidence = join(project.scratchDir, 'slow-after-script.txt');
    try {
      // 1. The first run is the whole pipeline (no diff yet: rules:changes is true).
      await out.idle(1);
      expect(out.stderr).toContain('watch: first run; running alpha, beta, slow');
      expect(ended(out.pipelines()[0]!)).toEqual({ alpha: 'success', beta: 'success', slow: 'success' });

      // 2. An edit under alpha/ re-runs alpha and nothing else.
      edit(project, 'alpha/a.txt', 'a edited\n');
      await out.idle(2);
      expect(out.stderr).toContain('watch: changed alpha/a.txt; running alpha\n');
      expect(out.pipelines()).toHaveLength(2);
      expect(started(out.pipelines()[1]!)).toEqual(['alpha']);

      // 3. A long slow job, then an edit while it runs: canceled gracefully, then a new run.
      const marker = uniqueMarker();
      edit(project, 'slow/duration.txt', `30.${marker}\n`);
      await out.until('the long job', () => out.stderr.includes('watch: changed slow/duration.txt; running slow\n'));
      expect(await processAppears(marker, STEP_TIMEOUT_MS)).toBe(true);
      const before = out.pipelines().length;
      edit(project, 'slow/duration.txt', '0.1\n');
      edit(project, 'beta/b.txt', 'b edited\n');
      await out.idle(3);
      expect(out.stderr).toContain('; canceling the running pipeline\n');
      const canceled = out.pipelines()[before - 1]!;
      expect(pipelineStatus(canceled)).toBe('canceled');
      expect(ended(canceled)).toEqual({ slow: 'canceled' });
      // after_script of each slow run, in order: the first run, the canceled one, the new one.
      expect(readFileSync(evidence, 'utf8').split('\n')).toEqual(['success', 'canceled', 'success', ''].map((s) => (s ? `after_script status=${s}` : '')));
      expect(await survivingProcesses(marker)).toEqual([]);
      // The canceled run's changes are still owed: the new run has both slow and beta, and passes.
      expect(out.stderr).toContain('watch: changed beta/b.txt, slow/duration.txt; running beta, slow\n');
      const rerun = out.pipelines().at(-1)!;
      expect(ended(rerun)).toEqual({ beta: 'success', slow: 'success' });

      // 4. A broken .gitlab-ci.yml: lint's error, and the loop waits.
      const config = readFileSync(join(project.dir, '.gitlab-ci.yml'), 'utf8');
      edit(project, '.gitlab-ci.yml', `${config}\nbroken: [\n`);
      await out.until('the error', () => out.stderr.includes('watch: waiting for a change that fixes it'));
      const lint = await execa(process.execPath, [glciArgs(project, [], {})[0]!, 'lint', '--cwd', project.dir], { env: glciEnv(project), extendEnv: false, reject: false });
      expect(lint.exitCode).toBe(2);
      const lintError = String(lint.stderr).split('\n')[0]!;
      expect(lintError).toMatch(/^\.gitlab-ci\.yml:\d+:\d+: /);
      expect(out.stderr).toContain(`${lintError}\n`);
      const runsWhileBroken = out.pipelines().length;

      // 5. The fix runs again: a push changing only .gitlab-ci.yml runs the job without rules:changes.
      edit(project, '.gitlab-ci.yml', `${config}\nalways:\n  script:\n    - echo "always ran"\n`);
      await out.idle(4);
      expect(out.stderr).toContain('watch: changed .gitlab-ci.yml; running always\n');
      expect(out.pipelines()).toHaveLength(runsWhileBroken + 1);
      expect(ended(out.pipelines().at(-1)!)).toEqual({ always: 'success' });

      // 6. Ctrl-C during a long job: graceful, exit 130, nothing left.
      const lastMarker = uniqueMarker();
      edit(project, 'slow/duration.txt', `30.${lastMarker}\n`);
      expect(await processAppears(lastMarker, STEP_TIMEOUT_MS)).toBe(true);
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode, out.stderr).toBe(130);
      expect(pipelineStatus(out.pipelines().at(-1)!)).toBe('canceled');
      expect(readFileSync(evidence, 'utf8').split('\n').at(-2)).toBe('after_script status=canceled');
      expect(await survivingProcesses(lastMarker)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await child;
      project.remove();
    }
  }, 240_000);
});
