// Waiting for services in the pod (runner-behavior.md §11.3): only the services whose own variables
// set HEALTHCHECK_TCP_PORT are waited for, and all their ports must accept before the job goes on;
// there is no timeout but the job's (the prepare signal). GitLab Runner execs its helper binary's
// `health-check --port P ...` in the helper container; glci's helper image is busybox, so the probe is
// a sh loop there that reads /proc/net/tcp[6] — the pod's one network namespace, so the services'
// sockets — for a LISTEN socket on each port.
//
// Each probe exec looks for a few seconds and then reports back, so a cancelled job is not left
// waiting on an exec it cannot interrupt, and a service container that ended (restartPolicy Never:
// it never comes back) fails the job with its exit code instead of hanging until the job timeout.
import { PassThrough } from 'node:stream';
import { ExecutorError } from '../../errors.js';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import type { KubeClient, Pod } from './client.js';
import type { ServiceHealthCheck } from './pod-services.js';

export interface ServiceHealthWait {
  client: KubeClient;
  namespace: string;
  pod: string;
  checks: ServiceHealthCheck[];
  signal: AbortSignal;
  log: (kind: RunnerLineKind, message: string) => void;
  /** How long one probe exec looks before it reports back (default 5 s). */
  probeSeconds?: number;
}

/** The probe's exit status when some port does not listen yet. */
const NOT_YET = 3;

/**
 * A busybox-sh loop that exits 0 once every port has a LISTEN socket (state 0A) in /proc/net/tcp or
 * /proc/net/tcp6, and NOT_YET after `seconds` otherwise, naming the ports still closed.
 */
export function healthCheckScript(ports: number[], seconds: number): string {
  const hex = [...new Set(ports)].map((p) => p.toString(16).toUpperCase().padStart(4, '0')).join(' ');
  return [
    `ports="${hex}"`,
    `end=$(( $(date +%s) + ${Math.max(1, Math.round(seconds))} ))`,
    'while :; do',
    '  missing=',
    '  for p in $ports; do',
    '    found=',
    '    for f in /proc/net/tcp /proc/net/tcp6; do',
    '      [ -r "$f" ] || continue',
    '      while read -r _ local _ state _; do',
    '        [ "$state" = 0A ] && [ "${local##*:}" = "$p" ] && { found=1; break; }',
    '      done < "$f"',
    '      [ -n "$found" ] && break',
    '    done',
    '    [ -n "$found" ] || missing="$missing $p"',
    '  done',
    '  [ -z "$missing" ] && exit 0',
    `  [ "$(date +%s)" -lt "$end" ] || { echo "not listening:$missing"; exit ${NOT_YET}; }`,
    '  sleep 0.2 2>/dev/null || sleep 1',
    'done',
  ].join('\n');
}

export async function waitForServices(wait: ServiceHealthWait): Promise<void> {
  if (wait.checks.length === 0) return;
  const { namespace, pod, log } = wait;
  log('print', 'Waiting for services to be up and running...');
  for (const check of wait.checks) log('print', `waiting for TCP connection to localhost:${check.port} (service ${check.container})...`);
  const script = healthCheckScript(
    wait.checks.map((c) => c.port),
    wait.probeSeconds ?? 5,
  );
  for (;;) {
    const { code, output } = await probe(wait, script);
    if (code === 0) return;
    if (code !== NOT_YET) {
      throw new ExecutorError('KUBE_SERVICE_HEALTH', `the services' health check in the helper container of pod ${namespace}/${pod} exited with code ${code}${output ? `: ${output}` : ''}`);
    }
    const ended = endedService(await wait.client.readPod(namespace, pod), wait.checks);
    if (ended) throw new ExecutorError('KUBE_SERVICE_EXITED', ended.message, ended.container ? `see what the service printed: kubectl logs -n ${namespace} ${pod} -c ${ended.container}` : undefined);
  }
}

/** One probe exec; rejects as soon as the job is cancelled (the exec itself ends within probeSeconds). */
async function probe(wait: ServiceHealthWait, script: string): Promise<{ code: number; output: string }> {
  const cancelled = () => new ExecutorError('KUBE_CANCELED', `canceled while waiting for the services of pod ${wait.namespace}/${wait.pod}`);
  if (wait.signal.aborted) throw cancelled();
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exec = wait.client.exec(wait.namespace, wait.pod, 'helper', ['sh', '-c', script], { stdout: sink, stderr: sink });
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled());
    wait.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const code = await Promise.race([exec, aborted]);
    return { code, output: Buffer.concat(chunks).toString('utf8').trim() };
  } catch (error) {
    if (wait.signal.aborted) throw cancelled();
    throw new ExecutorError('KUBE_SERVICE_HEALTH', `cannot run the services' health check in pod ${wait.namespace}/${wait.pod}: ${(error as Error).message}`, undefined, { cause: error });
  } finally {
    wait.signal.removeEventListener('abort', onAbort);
    exec.catch(() => undefined);
    aborted.catch(() => undefined);
  }
}

/** Why the wait cannot succeed any more: a waited-for service container has terminated, or the pod is gone. */
export function endedService(pod: Pod | null, checks: ServiceHealthCheck[]): { container?: string; message: string } | null {
  if (!pod) return { message: 'the pod was deleted while waiting for its services' };
  for (const check of checks) {
    const status = pod.status?.containerStatuses?.find((s) => s.name === check.container);
    const terminated = status?.state?.terminated;
    if (terminated) {
      const reason = terminated.reason ? `, ${terminated.reason}` : '';
      return { container: check.container, message: `service container ${check.container} (${check.image}) ended (exit code ${terminated.exitCode}${reason}) before port ${check.port} accepted connections` };
    }
  }
  return null;
}
