// What a container that asked for `privileged` gets: privileged itself, or — with `privileged_fallback`
// (glci extension) — the broadest set this host allows (privileged-fallback.ts), computed once from this
// process's capability bounding set. A host without /proc (macOS, Windows talking to a remote engine)
// drops nothing and lets the engine say what it refuses.
import { readFileSync } from 'node:fs';
import type { DockerSettings } from '../../model/runner.js';
import { fallbackHostConfig, readCapabilityBoundingSet, readLastCapability, type FallbackHostConfig } from './privileged-fallback.js';

let cached: FallbackHostConfig | undefined;

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function hostFallbackConfig(): FallbackHostConfig {
  if (cached) return cached;
  const status = readOrNull('/proc/self/status');
  let bounding = (1n << 64n) - 1n;
  try {
    if (status !== null) bounding = readCapabilityBoundingSet(status);
  } catch {
    // Keep "everything": the engine names what it refuses.
  }
  cached = fallbackHostConfig(bounding, readLastCapability(readOrNull('/proc/sys/kernel/cap_last_cap')));
  return cached;
}

/** `privileged` as the container spec takes it: false, true, or the fallback set standing in for it. */
export function privilegeFor(asked: boolean, settings: DockerSettings): boolean | FallbackHostConfig {
  if (!asked) return false;
  return settings.privilegedFallback ? hostFallbackConfig() : true;
}

/** The explanation for an engine that refused a privileged container. */
export function privilegedRefusalHint(): string {
  return (
    'the engine refused the privileges this container asked for (privileged = true): this host\'s kernel or sandbox withholds capabilities that --privileged needs. ' +
    'Add privileged_fallback = true to [runners.docker] (or run with --privileged-fallback) to start such containers with the broadest set the host allows, ' +
    'or drop privileged = true and grant what the job needs with cap_add / security_opt'
  );
}
