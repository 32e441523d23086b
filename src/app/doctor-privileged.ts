// `glci doctor`'s privilege checks: does `privileged = true` work on this engine, and if not, does glci's
// `privileged_fallback` (the broadest set the host allows)? The answer decides whether Docker-in-Docker
// jobs can run here, and how.
import type { DockerClient } from '../executors/docker/client.js';
import type { FallbackHostConfig } from '../executors/docker/privileged-fallback.js';
import type { RunnerConfig } from '../model/runner.js';
import { CHECK, type CheckStatus, type DoctorCheck } from './doctor-check.js';
import { describeFallback, fallbackAsHostConfig, probePrivileged, tryContainer, type HostConfig } from './doctor-containers.js';

export interface PrivilegeContext {
  client: DockerClient;
  /** The image the test containers run, or null when none is present locally. */
  image: string | null;
  /** Why `image` is null, for the skip lines. */
  noImageReason: string;
  /** What `privileged_fallback` gives a container on this host (host-privileges.ts, as the executor uses it). */
  fallback: FallbackHostConfig;
  isLocalEngine: boolean;
  config: RunnerConfig;
}

export interface PrivilegeChecks {
  checks: DoctorCheck[];
  /** What a privileged container gets here (`Privileged: true`, or the fallback set), or null when neither starts. */
  working: HostConfig | null;
}

const EXPLANATION =
  "this host's kernel (or the sandbox glci runs in) does not give containers every capability, so `privileged = true` cannot work here";
const FALLBACK_HINT =
  'set `privileged_fallback = true` in [runners.docker] (or pass --privileged-fallback): glci then starts privileged containers with the broadest set the engine allows';

/** Whether a runner asks for privileged containers: only then is Docker-in-Docker not working a failure. */
export function privilegedWanted(config: RunnerConfig): boolean {
  return config.runners.some((r) => r.docker?.privileged);
}

/** A refusal fails only a config that asks for privileges and has no working fallback for them; else it warns. */
function severity(config: RunnerConfig, satisfiedByFallback: boolean): CheckStatus {
  const wanting = config.runners.filter((r) => r.docker?.privileged);
  if (wanting.length === 0) return 'warn';
  if (satisfiedByFallback && wanting.every((r) => r.docker?.privilegedFallback)) return 'warn';
  return 'fail';
}

function skipped(name: string, summary: string, detail?: string[]): DoctorCheck {
  return { name, status: 'skip', summary, ...(detail ? { detail } : {}) };
}

async function fallbackCheck(ctx: PrivilegeContext, image: string): Promise<{ check: DoctorCheck; works: boolean }> {
  const trial = await tryContainer(ctx.client, image, fallbackAsHostConfig(ctx.fallback), 'fallback');
  const detail = [`grants ${describeFallback(ctx.fallback)}`];
  if (!ctx.isLocalEngine) detail.push('the capabilities dropped are the ones this machine lacks; an engine on another machine may lack others');
  if (trial.ok) return { check: { name: CHECK.fallback, status: 'ok', summary: 'a container with the fallback set starts', detail }, works: true };
  return {
    check: {
      name: CHECK.fallback,
      status: severity(ctx.config, false),
      summary: `refused too: ${trial.message}`,
      detail,
      hint: 'Docker-in-Docker cannot run on this engine; bind the host socket instead (`glci init --dind socket`)',
    },
    works: false,
  };
}

/** Privileged first; the fallback only when privileged is refused. */
export async function checkPrivileges(ctx: PrivilegeContext): Promise<PrivilegeChecks> {
  if (!ctx.image) {
    const withheld = ctx.isLocalEngine && ctx.fallback.CapDrop.length > 0 ? [`this host withholds ${ctx.fallback.CapDrop.join(', ')}: privileged containers will be refused`] : undefined;
    return {
      checks: [skipped(CHECK.privileged, `skipped: ${ctx.noImageReason}`, withheld), skipped(CHECK.fallback, `skipped: ${ctx.noImageReason}`)],
      working: null,
    };
  }
  const probe = await probePrivileged(ctx.client, ctx.image, ctx);
  if (probe.privileged === 'allowed') {
    return {
      checks: [
        { name: CHECK.privileged, status: 'ok', summary: `allowed (tested with ${ctx.image})` },
        skipped(CHECK.fallback, 'not needed: privileged containers start'),
      ],
      working: { Privileged: true },
    };
  }
  const reason = probe.privileged === 'refused' ? probe.message : probe.reason;
  const fallback = await fallbackCheck(ctx, ctx.image);
  const privileged: DoctorCheck = {
    name: CHECK.privileged,
    status: severity(ctx.config, fallback.works),
    summary: `refused (tested with ${ctx.image})`,
    detail: [`the engine said: ${reason}`, EXPLANATION],
    ...(fallback.works ? { hint: FALLBACK_HINT } : {}),
  };
  return { checks: [privileged, fallback.check], working: fallback.works ? fallbackAsHostConfig(ctx.fallback) : null };
}
