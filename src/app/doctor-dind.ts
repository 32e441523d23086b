// `glci doctor`'s Docker-in-Docker check: start the dind image the way a `docker:dind` service would run
// here (privileged, or the fallback set when privileged is refused) and wait for its daemon. There is no
// exec in the client, and dockerd announces a listening API in its log, so the log is the signal.
import { setTimeout as delay } from 'node:timers/promises';
import type { DockerClient } from '../executors/docker/client.js';
import { engineMessage } from '../executors/docker/client.js';
import { CHECK, type CheckStatus, type DoctorCheck } from './doctor-check.js';
import { doctorContainerName, doctorLabels, type HostConfig } from './doctor-containers.js';

export interface DindContext {
  client: DockerClient;
  /** What privileged containers get here, or null when neither privileged nor the fallback starts. */
  working: HostConfig | null;
  /** Why `working` is null, for the skip line. */
  notWorkingReason: string;
  image: string;
  /** Status of a daemon that does not come up: `fail` when the config needs DinD, else `warn`. */
  failureStatus: CheckStatus;
  timeoutMs?: number;
  pollMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_POLL_MS = 250;
const LOG_LIMIT = 64 * 1024;
const READY = /API listen on/;

/** The last `n` non-empty lines of a log, for a failure's detail. */
export function lastLines(log: string, n: number): string[] {
  return log.split(/\r?\n/).filter((l) => l.trim() !== '').slice(-n);
}

type Outcome = { ready: true; ms: number } | { ready: false; why: string; log: string };

async function waitForDaemon(client: DockerClient, id: string, timeoutMs: number, pollMs: number): Promise<Outcome> {
  const started = Date.now();
  let log = '';
  while (Date.now() - started < timeoutMs) {
    log = (await client.logs(id, { timestamps: false, limitBytes: LOG_LIMIT })).toString('utf8');
    if (READY.test(log)) return { ready: true, ms: Date.now() - started };
    const facts = await client.inspectContainer(id);
    if (!facts?.running) {
      const final = (await client.logs(id, { timestamps: false, limitBytes: LOG_LIMIT }).catch(() => Buffer.from(log))).toString('utf8');
      return { ready: false, why: `the container exited with status ${facts?.exitCode ?? 'unknown'}`, log: final };
    }
    await delay(pollMs);
  }
  return { ready: false, why: `its daemon did not listen within ${timeoutMs / 1000} s`, log };
}

function privilegeWord(working: HostConfig): string {
  return working.Privileged ? 'privileged' : 'with the privileged fallback';
}

async function runDind(ctx: DindContext, working: HostConfig): Promise<DoctorCheck> {
  let id: string | undefined;
  try {
    id = await ctx.client.createContainer({
      name: doctorContainerName('dind'),
      Image: ctx.image,
      // Plain TCP on 2375: no certificates to generate, and doctor only waits for the API.
      Env: ['DOCKER_TLS_CERTDIR='],
      Labels: doctorLabels('dind'),
      HostConfig: working,
    });
    await ctx.client.startContainer(id);
    const outcome = await waitForDaemon(ctx.client, id, ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS, ctx.pollMs ?? DEFAULT_POLL_MS);
    if (outcome.ready) {
      return { name: CHECK.dind, status: 'ok', summary: `${ctx.image} started ${privilegeWord(working)}; its daemon listened after ${(outcome.ms / 1000).toFixed(1)} s` };
    }
    return {
      name: CHECK.dind,
      status: ctx.failureStatus,
      summary: `${ctx.image} started ${privilegeWord(working)}, but ${outcome.why}`,
      detail: lastLines(outcome.log, 8),
      hint: 'bind the host engine instead (`glci init --dind socket`), or run on a host that grants containers every capability',
    };
  } catch (error) {
    return { name: CHECK.dind, status: ctx.failureStatus, summary: `${ctx.image} did not start ${privilegeWord(working)}: ${engineMessage(error)}` };
  } finally {
    // Removes the anonymous /var/lib/docker volume the dind image declares, too.
    if (id) await ctx.client.removeContainer(id).catch(() => undefined);
  }
}

export async function checkDind(ctx: DindContext): Promise<DoctorCheck> {
  if (!ctx.working) return { name: CHECK.dind, status: 'skip', summary: `skipped: ${ctx.notWorkingReason}` };
  const present = await ctx.client.inspectImage(ctx.image).catch(() => null);
  if (!present) return { name: CHECK.dind, status: 'skip', summary: `skipped (no dind image ${ctx.image} here; pass --dind-image)` };
  return runDind(ctx, ctx.working);
}
