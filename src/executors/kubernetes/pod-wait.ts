// Waiting for the job's pod to run (runner-behavior.md §11.1): GitLab Runner's "Waiting for pod ..."
// line every poll_interval, `timed out waiting for pod to start` after poll_timeout, and the reasons
// a pod never gets there (unschedulable, image pull errors, CreateContainerConfigError) reported with
// the pod's own events, so the user sees what the cluster said.
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutorError } from '../../errors.js';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import type { KubeClient, Pod } from './client.js';

export interface PodWait {
  client: KubeClient;
  namespace: string;
  pod: string;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  signal: AbortSignal;
  log: (kind: RunnerLineKind, message: string) => void;
}

/** Container states that never heal by waiting. */
const FATAL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);

export async function waitForPod(wait: PodWait): Promise<void> {
  const { client, namespace, pod, log } = wait;
  const deadline = Date.now() + wait.pollTimeoutMs;
  // Short first polls: a pod on a warm node runs within a second; GitLab's interval applies after.
  let delay = Math.min(250, wait.pollIntervalMs);
  let lastReport = 0;
  for (;;) {
    if (wait.signal.aborted) throw new ExecutorError('KUBE_CANCELED', `canceled while waiting for pod ${namespace}/${pod}`);
    const current = await client.readPod(namespace, pod);
    if (!current) throw new ExecutorError('KUBE_POD_GONE', `pod ${namespace}/${pod} was deleted before it started`);
    const phase = current.status?.phase ?? 'Pending';
    if (phase === 'Running') return;
    if (phase === 'Succeeded' || phase === 'Failed') throw await podFailure(wait, `pod ${namespace}/${pod} ended (${phase}) before the job started`);
    const fatal = fatalReason(current);
    if (fatal) throw await podFailure(wait, `pod ${namespace}/${pod} cannot start: ${fatal}`);
    if (Date.now() >= deadline) throw await podFailure(wait, `timed out waiting for pod to start (pod ${namespace}/${pod}, poll_timeout ${Math.round(wait.pollTimeoutMs / 1000)}s)`);
    if (Date.now() - lastReport >= wait.pollIntervalMs) {
      lastReport = Date.now();
      const node = current.spec?.nodeName ? ` on the node ${current.spec.nodeName}` : '';
      log('print', `Waiting for pod ${namespace}/${pod} to be running${node}, status is ${phase}`);
    }
    await sleep(delay, undefined, { signal: wait.signal }).catch(() => undefined);
    // At most half a second between reads: a pod often runs a moment after its init containers end.
    delay = Math.min(delay * 2, 500, wait.pollIntervalMs);
  }
}

function fatalReason(pod: Pod): string | null {
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
      return `container ${status.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
    }
    const terminated = status.state?.terminated;
    if (terminated?.reason === 'OOMKilled') return `container ${status.name} was OOM killed`;
  }
  return null;
}

/** The error, with the pod's warning events (FailedScheduling, Failed, ...) as the cluster wrote them. */
async function podFailure(wait: PodWait, message: string): Promise<ExecutorError> {
  const events = await wait.client.podEvents(wait.namespace, wait.pod).catch(() => []);
  const lines = events.filter((e) => e.type === 'Warning').map((e) => `${e.reason ?? 'Event'}: ${e.message ?? ''}`.trim());
  const unique = [...new Set(lines)];
  return new ExecutorError('KUBE_POD_START', unique.length ? `${message}\npod events:\n  ${unique.join('\n  ')}` : message);
}
