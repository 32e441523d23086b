// GitLab Runner's default way of running a step in the job's pod, the attach strategy
// (runner-behavior.md §11.4; FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY=false): the script is written
// to the scripts volume by exec, then one command line sent through pods/attach to the build
// container's main shell starts it in the background with its output appended to the logs volume's
// output.log, followed by a status line with its exit code. A follower in the helper container
// streams that file (log-follower.ts). The step's processes are children of the container's main
// process, not of an exec session, so they survive a dropped connection.
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutorError } from '../../errors.js';
import { featureFlagOn } from '../../variables/feature-flags.js';
import type { JobIO, ScriptStep, StepOutcome } from '../executor.js';
import type { KubeClient, Pod } from './client.js';
import { followLog, statusLineParts, StatusScanner } from './log-follower.js';

/** FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY (default false): exec instead of attach. */
export function useLegacyExecStrategy(variable: (key: string) => string | undefined, featureFlags: Record<string, boolean | undefined>): boolean {
  return featureFlagOn('FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY', variable, featureFlags, false);
}

/** The logs volume's mount path (GitLab Runner: `/logs-<pipeline id>-<job id>`). */
export const logsDirOf = (ids: { pipelineId: number; jobId: number }) => `/logs-${ids.pipelineId}-${ids.jobId}`;

/** The build and helper containers' log file, created world-writable by the init-permissions container. */
export const logFileOf = (logsDir: string) => `${logsDir}/output.log`;

export interface AttachStepsSpec {
  client: KubeClient;
  namespace: string;
  pod: string;
  scriptsDir: string;
  logsDir: string;
  io: JobIO;
  killGraceMs: number;
  /** How often the pod is read while a step runs: a build container that died writes no status line. */
  podCheckMs?: number;
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** A file name for the step's script: stage names are `[a-z_]`, anything else is replaced. */
export const scriptFileName = (step: string) => step.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.*/, '') || 'step';

/**
 * The line the build container's main shell reads: the script in the background (its stdin
 * /dev/null, so it cannot eat the lines of later steps), its pid where the kill script finds it,
 * then the status line. The nonce lives only in the forked shell's memory: the wrapper execs nothing
 * that would put it on a command line.
 */
export function wrapperLine(paths: { script: string; pidFile: string; logFile: string }, nonce: string): string {
  const { head, tail } = statusLineParts(paths.script, nonce);
  // `echo` is the one builtin every sh has; it must not meet a backslash (dash's echo interprets them).
  if (/[\\\n]/.test(head + tail.slice(0, -1))) throw new ExecutorError('KUBE_SCRIPT', `cannot run ${paths.script}: its path needs escaping`);
  const log = quote(paths.logFile);
  const status = `echo ${quote(head)}$?${quote(tail.slice(0, -1))} >> ${log}`;
  return `(sh ${quote(paths.script)} < /dev/null >> ${log} 2>&1 & echo $! > ${quote(paths.pidFile)}; wait $!; ${status}) &\n`;
}

/**
 * SIGTERM to the step's process tree (the script's shell and its descendants, read from /proc),
 * SIGKILL after the grace period to what was in it and what is in it now. The tree is read before
 * the first signal because children whose shell died are re-parented to PID 1. The wrapper that
 * waits for the script survives, so the status line still comes, with 143 or 137.
 */
export function killScript(pidFile: string, graceMs: number): string {
  const grace = Math.max(graceMs / 1000, 0.1).toFixed(1);
  const tree = [
    'tree() { t=" $1 "; c=1; while [ $c = 1 ]; do c=0; for s in /proc/[0-9]*/stat; do',
    '{ read -r l < "$s"; } 2>/dev/null || continue; n=${l%% *}; r=${l##*) }; set -- $r;',
    'case "$t" in *" $2 "*) case "$t" in *" $n "*) ;; *) t="$t$n "; c=1 ;; esac ;; esac; done; done; echo $t; }',
  ].join(' ');
  return [
    // The kill may come before the wrapper wrote the pid: wait for it a little.
    `f=${quote(pidFile)}; i=0; while [ ! -s "$f" ] && [ $i -lt 50 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done`,
    'read -r root < "$f" || exit 0',
    tree,
    'p=$(tree "$root"); kill -TERM $p 2>/dev/null',
    `sleep ${grace} 2>/dev/null || sleep ${Math.ceil(Number(grace))}`,
    'kill -KILL $p $(tree "$root") 2>/dev/null; true',
  ].join('\n');
}

type Stop = 'timeout' | 'cancel';

export class AttachSteps {
  /** Where the next step's output starts in the log file. */
  private offset = 0;
  private runs = 0;

  constructor(private readonly spec: AttachStepsSpec) {}

  async run(step: ScriptStep, signal: AbortSignal): Promise<StepOutcome> {
    const { client, namespace, pod, io } = this.spec;
    const script = `${this.spec.scriptsDir}/${scriptFileName(step.name)}`;
    const paths = { script, pidFile: `${script}.${++this.runs}.pid`, logFile: logFileOf(this.spec.logsDir) };
    const nonce = randomBytes(16).toString('hex');
    await this.writeScript(step, script);
    if (signal.aborted) return { exitCode: 1, timedOut: false, canceled: true };
    const follower = followLog({ client, namespace, pod, container: 'helper', logPath: paths.logFile, offset: this.offset, scanner: new StatusScanner(script, nonce), output: (c) => io.output(c) });
    // Settled through the race below; a failure that comes first must not go unhandled meanwhile.
    follower.done.catch(() => undefined);
    const watch = new AbortController();
    let stopped: Stop | null = null;
    let gaveUp: (() => void) | null = null;
    const noStatus = new Promise<null>((resolve) => (gaveUp = () => resolve(null)));
    const stop = (why: Stop) => {
      if (stopped) return;
      stopped = why;
      // The status line follows the kill; if it never comes (a wedged process), stop waiting for it.
      void this.killStep(paths.pidFile)
        .then(() => sleep(10_000, undefined, { signal: watch.signal }))
        .then(() => gaveUp?.(), () => undefined);
    };
    const timer = step.timeoutMs === undefined ? null : setTimeout(() => stop('timeout'), step.timeoutMs);
    const onAbort = () => stop('cancel');
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.attach(step, wrapperLine(paths, nonce));
      const result = await Promise.race([follower.done, noStatus, this.watchPod(step, watch.signal)]);
      const outcome = (exitCode: number): StepOutcome => ({ exitCode: stopped && exitCode === 0 ? 1 : exitCode, timedOut: stopped === 'timeout', canceled: stopped === 'cancel' });
      if (result) {
        this.offset = result.nextOffset;
        return outcome(result.exitCode);
      }
      follower.stop();
      this.offset = await this.logSize(paths.logFile);
      return outcome(137);
    } catch (error) {
      const followerEnded = error instanceof ExecutorError && error.code === 'KUBE_LOG';
      if (stopped && followerEnded) return { exitCode: 137, timedOut: stopped === 'timeout', canceled: stopped === 'cancel' };
      // The follower ends with the helper container: say what happened to the pod, if that is why.
      throw (followerEnded && (await this.podProblem(step))) || error;
    } finally {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      watch.abort();
      follower.stop();
    }
  }

  /** GitLab Runner's `cat > p.tmp; chmod 777 p.tmp; mv p.tmp p`, by exec in the build container. */
  private async writeScript(step: ScriptStep, path: string): Promise<void> {
    const target = quote(path);
    const temp = quote(`${path}.tmp`);
    const errors: Buffer[] = [];
    const stderr = new PassThrough().on('data', (c: Buffer) => errors.push(c));
    const code = await this.spec.client
      .exec(this.spec.namespace, this.spec.pod, 'build', ['sh', '-c', `cat > ${temp} && chmod 777 ${temp} && mv ${temp} ${target}`], {
        stdin: Readable.from([Buffer.from(step.script)]),
        stdout: new PassThrough().resume(),
        stderr,
      })
      .catch((error: unknown) => {
        throw this.runError(step, error);
      });
    if (code !== 0) {
      const why = Buffer.concat(errors).toString().trim() || `exit code ${code}`;
      throw new ExecutorError('KUBE_SCRIPT', `cannot write the ${step.name} script to ${path} in pod ${this.spec.namespace}/${this.spec.pod}: ${why}`);
    }
  }

  private async attach(step: ScriptStep, line: string): Promise<void> {
    await this.spec.client.attach(this.spec.namespace, this.spec.pod, 'build', Readable.from([Buffer.from(line)])).catch((error: unknown) => {
      throw this.runError(step, error);
    });
  }

  private runError(step: ScriptStep, error: unknown): ExecutorError {
    const hint = error instanceof ExecutorError ? error.hint : undefined;
    return new ExecutorError('KUBE_RUN', `cannot run the ${step.name} stage in pod ${this.spec.namespace}/${this.spec.pod}: ${(error as Error).message}`, hint, { cause: error });
  }

  private async killStep(pidFile: string): Promise<void> {
    const streams = { stdout: new PassThrough().resume(), stderr: new PassThrough().resume() };
    await this.spec.client.exec(this.spec.namespace, this.spec.pod, 'build', ['sh', '-c', killScript(pidFile, this.spec.killGraceMs)], streams).catch(() => undefined);
  }

  /** The log's size, where the next step starts when a step ended without its status line. */
  private async logSize(logFile: string): Promise<number> {
    const chunks: Buffer[] = [];
    const stdout = new PassThrough().on('data', (c: Buffer) => chunks.push(c));
    await this.spec.client.exec(this.spec.namespace, this.spec.pod, 'helper', ['sh', '-c', `wc -c < ${quote(logFile)}`], { stdout, stderr: new PassThrough().resume() }).catch(() => undefined);
    const size = Number.parseInt(Buffer.concat(chunks).toString().trim(), 10);
    return Number.isInteger(size) ? size : this.offset;
  }

  /** Rejects when the pod is gone or its build container stopped; resolves null once `signal` aborts. */
  private async watchPod(step: ScriptStep, signal: AbortSignal): Promise<null> {
    for (;;) {
      const aborted = await sleep(this.spec.podCheckMs ?? 3000, false, { signal }).catch(() => true);
      if (aborted) return null;
      const problem = await this.podProblem(step);
      if (problem) throw problem;
    }
  }

  /** Why the step cannot finish, if the pod says so: deleted, or its build container ended. */
  private async podProblem(step: ScriptStep): Promise<ExecutorError | null> {
    const { client, namespace, pod } = this.spec;
    const current = await client.readPod(namespace, pod).catch(() => undefined);
    if (current === undefined) return null;
    if (current === null || current.metadata?.deletionTimestamp) {
      return new ExecutorError('KUBE_POD_GONE', `pod ${namespace}/${pod} was deleted while the ${step.name} stage ran`);
    }
    const build = current.status?.containerStatuses?.find((c) => c.name === 'build')?.state?.terminated;
    if (!build) return null;
    const why = [build.reason, `exit code ${build.exitCode}`].filter(Boolean).join(', ');
    return new ExecutorError('KUBE_RUN', `the build container of pod ${namespace}/${pod} stopped while the ${step.name} stage ran (${why})`);
  }
}

/**
 * Adds the `init-permissions` init container (GitLab Runner's, with the helper image): the log file
 * exists before build and helper start, writable by whatever user the job's images run as. Added
 * before the pod's features, so configured volumes and init_permissions_container_security_context
 * reach it; it takes the helper's resources and mounts, and the pull policy chosen for it (else the
 * helper's).
 */
export function addInitPermissions(pod: Pod, logsDir: string, pullPolicies: Record<string, string> = {}): Pod {
  const helper = pod.spec?.containers.find((c) => c.name === 'helper');
  if (!pod.spec || !helper) return pod;
  const log = quote(logFileOf(logsDir));
  const name = 'init-permissions';
  const policy = pullPolicies[name] ?? pullPolicies.helper ?? helper.imagePullPolicy ?? '';
  pod.spec.initContainers = [
    {
      name,
      image: helper.image ?? '',
      command: ['sh', '-c', `touch ${log} && chmod 777 ${log}`],
      ...(policy ? { imagePullPolicy: policy } : {}),
      ...(helper.resources ? { resources: helper.resources } : {}),
      volumeMounts: (helper.volumeMounts ?? []).map((m) => ({ ...m })),
    },
    ...(pod.spec.initContainers ?? []),
  ];
  return pod;
}
