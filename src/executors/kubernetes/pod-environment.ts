// A job's running pod as a JobEnvironment. Steps run with GitLab Runner's attach strategy
// (attach-steps.ts), or, with FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY, by pods/exec in the `build`
// container with the script on stdin: the output streams live and the exit code is the API server's
// final status. Files move by tar over exec in the `helper` container, which shares the builds
// emptyDir, so the job image needs no tar.
import { PassThrough, type Readable } from 'node:stream';
import { posix } from 'node:path';
import { ExecutorError } from '../../errors.js';
import type { JobEnvironment, JobIO, ScriptStep, StepOutcome } from '../executor.js';
import { AttachSteps } from './attach-steps.js';
import type { KubeClient } from './client.js';

export interface PodEnvironmentSpec {
  client: KubeClient;
  namespace: string;
  pod: string;
  projectDir: string;
  buildsDir: string;
  tmpDir: string;
  io: JobIO;
  /** How long processes get between SIGTERM and SIGKILL when a step is stopped. */
  killGraceMs: number;
  /** Extra cleanup (the per-job namespace, the pull secret), after the pod is deleted. */
  afterCleanup?: () => Promise<void>;
  getSources?: (env: PodEnvironment, signal: AbortSignal) => Promise<void>;
  /** The attach strategy's volumes (the pod has the logs one); unset: the legacy exec strategy. */
  attach?: { scriptsDir: string; logsDir: string };
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** Signals every process of the container but its main shell (PID 1) and this script's own. */
const signalAll = (signal: string) =>
  `for p in /proc/[0-9]*; do n=\${p#/proc/}; [ "$n" = 1 ] || [ "$n" = $$ ] || kill -${signal} "$n" 2>/dev/null; done; true`;

export class PodEnvironment implements JobEnvironment {
  readonly projectDir: string;
  readonly buildsDir: string;
  readonly tmpDir: string;
  private cleaned = false;
  private readonly attachSteps: AttachSteps | null;

  constructor(private readonly spec: PodEnvironmentSpec) {
    this.projectDir = spec.projectDir;
    this.buildsDir = spec.buildsDir;
    this.tmpDir = spec.tmpDir;
    const { client, namespace, pod, io, killGraceMs } = spec;
    this.attachSteps = spec.attach ? new AttachSteps({ client, namespace, pod, io, killGraceMs, ...spec.attach }) : null;
  }

  async getSources(signal: AbortSignal): Promise<void> {
    await this.spec.getSources?.(this, signal);
  }

  async run(step: ScriptStep, signal: AbortSignal): Promise<StepOutcome> {
    if (signal.aborted) return { exitCode: 1, timedOut: false, canceled: true };
    if (this.attachSteps) return this.attachSteps.run(step, signal);
    const { client, namespace, pod, io } = this.spec;
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => io.output(chunk));
    const stdin = new PassThrough();
    stdin.end(step.script);
    let stopped: 'timeout' | 'cancel' | null = null;
    const stop = (why: 'timeout' | 'cancel') => {
      if (stopped) return;
      stopped = why;
      void this.killStep();
    };
    const timer = step.timeoutMs === undefined ? null : setTimeout(() => stop('timeout'), step.timeoutMs);
    const onAbort = () => stop('cancel');
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const exitCode = await client.exec(namespace, pod, 'build', ['sh'], { stdin, stdout: output, stderr: output });
      return { exitCode: stopped ? (exitCode === 0 ? 1 : exitCode) : exitCode, timedOut: stopped === 'timeout', canceled: stopped === 'cancel' };
    } catch (error) {
      if (stopped) return { exitCode: 137, timedOut: stopped === 'timeout', canceled: stopped === 'cancel' };
      throw new ExecutorError('KUBE_RUN', `cannot run the ${step.name} stage in pod ${namespace}/${pod}: ${(error as Error).message}`, undefined, { cause: error });
    } finally {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** SIGTERM to the step's processes, SIGKILL to what is left after the grace period. */
  private async killStep(): Promise<void> {
    const graceSeconds = Math.max(this.spec.killGraceMs / 1000, 0.1).toFixed(1);
    await this.exec('build', ['sh', '-c', `${signalAll('TERM')}; sleep ${graceSeconds}; ${signalAll('KILL')}`]).catch(() => undefined);
  }

  async copyIn(tar: Readable, to: string): Promise<void> {
    const target = posix.isAbsolute(to) ? to : posix.join(this.projectDir, to);
    const errors = new PassThrough();
    const text: Buffer[] = [];
    errors.on('data', (c: Buffer) => text.push(c));
    const code = await this.spec.client.exec(this.spec.namespace, this.spec.pod, 'helper', ['sh', '-c', `mkdir -p ${quote(target)} && tar -x -f - -C ${quote(target)}`], {
      stdin: tar,
      stdout: new PassThrough().resume(),
      stderr: errors,
    });
    if (code !== 0) {
      throw new ExecutorError('KUBE_COPY_IN', `cannot extract the archive into ${target} in pod ${this.spec.pod}: ${Buffer.concat(text).toString().trim() || `tar exited with ${code}`}`);
    }
  }

  async copyOut(paths: string[]): Promise<Readable> {
    for (const path of paths) {
      const resolved = posix.resolve(this.projectDir, path);
      if (resolved !== this.projectDir && !resolved.startsWith(`${this.projectDir}/`)) {
        throw new ExecutorError('KUBE_COPY_OUT', `${path} is outside the project directory ${this.projectDir}`);
      }
    }
    const relative = paths.map((p) => posix.relative(this.projectDir, posix.resolve(this.projectDir, p)) || '.');
    // Missing paths are skipped (artifacts:paths that matched nothing); with none left the archive is
    // tar's empty one (two zero blocks), which busybox tar will not write for an empty list.
    const script = `cd ${quote(this.projectDir)} || exit 1; set --; for p in ${relative.map(quote).join(' ')}; do [ -e "$p" ] || [ -L "$p" ] && set -- "$@" "$p"; done; [ $# -gt 0 ] || exec dd if=/dev/zero bs=1024 count=1 2>/dev/null; exec tar -c -f - "$@"`;
    const out = new PassThrough();
    const errors: Buffer[] = [];
    const stderr = new PassThrough();
    stderr.on('data', (c: Buffer) => errors.push(c));
    this.spec.client
      .exec(this.spec.namespace, this.spec.pod, 'helper', ['sh', '-c', script], { stdout: out, stderr })
      .then((code) => {
        if (code === 0) out.end();
        else out.destroy(new ExecutorError('KUBE_COPY_OUT', `cannot archive ${paths.join(', ')} in pod ${this.spec.pod}: ${Buffer.concat(errors).toString().trim() || `tar exited with ${code}`}`));
      })
      .catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  /** Runs a command in one of the pod's containers and resolves with its exit code. */
  exec(container: 'build' | 'helper', command: string[], stdin?: Readable): Promise<number> {
    return this.spec.client.exec(this.spec.namespace, this.spec.pod, container, command, {
      ...(stdin ? { stdin } : {}),
      stdout: new PassThrough().resume(),
      stderr: new PassThrough().resume(),
    });
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    await this.spec.client.deletePod(this.spec.namespace, this.spec.pod, 0);
    await this.spec.afterCleanup?.();
  }
}
