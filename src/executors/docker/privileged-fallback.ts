// `privileged_fallback = true` (a glci extension of `[runners.docker]`): what to give a container that
// asked for `privileged = true` on a host whose kernel or sandbox withholds some capabilities. There,
// runc refuses privileged containers outright ("unable to apply caps: operation not permitted"),
// because privileged means *every* capability the kernel knows. The broadest set the engine can still
// grant is all capabilities minus the ones missing from the bounding set, with the same confinement
// lifted that `--privileged` lifts (seccomp, AppArmor, masked /proc and /sys paths) and a writable
// cgroup tree, which is what docker:dind needs to start its own containers.
//
// Callers pass this process's bounding set: right for a local engine, which shares the host's kernel and
// (usually) its sandbox; an engine on another machine may lack other capabilities. Pure: no I/O here.

/** Linux capability names by number (linux/capability.h), without the `CAP_` prefix Docker accepts either way. */
export const CAPABILITY_NAMES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID',
  'SETPCAP', 'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

/** The highest capability number in the table (CAP_CHECKPOINT_RESTORE, Linux 5.9). */
export const LAST_KNOWN_CAPABILITY = CAPABILITY_NAMES.length - 1;

/** The HostConfig fields the fallback sets, in the Docker Engine API's spelling. */
export interface FallbackHostConfig {
  CapAdd: string[];
  CapDrop: string[];
  SecurityOpt: string[];
  Binds: string[];
}

/** What `--privileged` lifts besides capabilities; `systempaths` unmasks /proc/kcore, /sys/firmware and others. */
export const FALLBACK_SECURITY_OPT: readonly string[] = ['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined'];

/** dind's dockerd creates cgroups for its containers; Docker mounts /sys/fs/cgroup read-only otherwise. */
export const FALLBACK_BINDS: readonly string[] = ['/sys/fs/cgroup:/sys/fs/cgroup:rw'];

/**
 * The `CapBnd:` mask of a `/proc/<pid>/status` text. Throws when the line is missing or not hex, so a
 * caller never mistakes "could not read" for "has no capabilities".
 */
export function readCapabilityBoundingSet(statusText: string): bigint {
  const match = /^CapBnd:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText);
  if (!match) throw new Error('no CapBnd line in the process status');
  return BigInt(`0x${match[1]}`);
}

/**
 * The names of capabilities 0..`lastCap` that `bnd` lacks, in number order. `lastCap` is the kernel's
 * highest capability (/proc/sys/kernel/cap_last_cap): a kernel older than the table has no
 * CAP_BPF to withhold, and an engine there would reject dropping a capability it does not know.
 */
export function missingCapabilities(bnd: bigint, lastCap: number = LAST_KNOWN_CAPABILITY): string[] {
  const last = Math.min(lastCap, LAST_KNOWN_CAPABILITY);
  const missing: string[] = [];
  for (let cap = 0; cap <= last; cap++) {
    if ((bnd & (1n << BigInt(cap))) === 0n) missing.push(CAPABILITY_NAMES[cap]!);
  }
  return missing;
}

/** The broadest container configuration the host allows, for a container that asked for `privileged`. */
export function fallbackHostConfig(hostCapBnd: bigint, lastCap: number = LAST_KNOWN_CAPABILITY): FallbackHostConfig {
  return {
    CapAdd: ['ALL'],
    CapDrop: missingCapabilities(hostCapBnd, lastCap),
    SecurityOpt: [...FALLBACK_SECURITY_OPT],
    Binds: [...FALLBACK_BINDS],
  };
}

/** `/proc/sys/kernel/cap_last_cap` text → number; the table's last entry when the text is unusable. */
export function readLastCapability(text: string | null): number {
  const value = Number.parseInt((text ?? '').trim(), 10);
  return Number.isInteger(value) && value >= 0 ? value : LAST_KNOWN_CAPABILITY;
}

/** The Engine API's form of security options: what the docker CLI does with `systempaths=unconfined`. */
export interface EngineSecurityOptions {
  SecurityOpt: string[];
  /** Present (and empty) when `systempaths=unconfined` was asked: no path masked. */
  MaskedPaths?: string[];
  /** Present (and empty) when `systempaths=unconfined` was asked: no path read-only. */
  ReadonlyPaths?: string[];
}

/**
 * `systempaths=unconfined` is a docker CLI option, not an engine one: the engine rejects it
 * (`invalid --security-opt 2`) and takes empty MaskedPaths and ReadonlyPaths lists instead.
 */
export function engineSecurityOptions(securityOpt: readonly string[]): EngineSecurityOptions {
  const unmasked = securityOpt.includes('systempaths=unconfined');
  const rest = securityOpt.filter((o) => o !== 'systempaths=unconfined');
  return unmasked ? { SecurityOpt: rest, MaskedPaths: [], ReadonlyPaths: [] } : { SecurityOpt: rest };
}
