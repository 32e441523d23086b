// `[runners.docker] volumes` entries → Docker binds, as GitLab Runner's volumes manager does
// (runner-behavior.md §4.1, §1.5): a bare container path is a cache volume (persistent named volume,
// a host folder under `cache_dir`, or a per-job volume with `disable_cache`); `src:dst[:mode]` is a
// bind or a named volume, passed verbatim. Pure: the executor creates what `plan` returns.
import { posix } from 'node:path';
import { ExecutorError } from '../../errors.js';
import { md5Hex } from './names.js';

export interface VolumeInput {
  /** The configured entries, in order. */
  volumes: readonly string[];
  /** `runner-<32 hex>`: stands in for GitLab's hash of runner token, system id, project id and slot. */
  cacheVolumePrefix: string;
  /** Base of per-job names, for `disable_cache` volumes. */
  jobBase: string;
  disableCache: boolean;
  /** `[runners.docker] cache_dir`: cache volumes become host folders below it. */
  cacheDir?: string;
  projectDir: string;
  /** `$VAR` expansion of destinations with the job's variables. */
  expand: (text: string) => string;
}

export interface PlannedVolume {
  /** A Docker volume glci must create when missing (null for host binds and user-named volumes). */
  create: { name: string; persistent: boolean; destination: string } | null;
  /** The `Binds` entry: `source:destination[:mode]`. */
  bind: string;
  destination: string;
}

/** Splits `[source:]destination[:mode]`; a Windows-free grammar like the runner's Linux parser. */
function parseEntry(entry: string): { source?: string; destination: string; mode?: string } {
  const parts = entry.split(':');
  if (parts.length === 1) return { destination: parts[0] as string };
  if (parts.length === 2) {
    // `/data:ro` is a destination with a mode only when the second part is a mode.
    if (/^(ro|rw|z|Z|O)(,.*)?$/.test(parts[1] as string) && (parts[0] as string).startsWith('/')) return { destination: parts[0] as string, mode: parts[1] as string };
    return { source: parts[0] as string, destination: parts[1] as string };
  }
  return { source: parts[0] as string, destination: parts[1] as string, mode: parts.slice(2).join(':') };
}

function containerPath(raw: string, input: VolumeInput): string {
  const expanded = input.expand(raw);
  const absolute = expanded.startsWith('/') ? posix.normalize(expanded) : posix.join(input.projectDir, expanded);
  if (absolute === '/') throw new ExecutorError('DOCKER_VOLUME_INVALID', `invalid volume "${raw}": the destination cannot be /`, 'check [runners.docker] volumes in config.toml');
  return absolute.replace(/\/+$/, '');
}

export function planVolumes(input: VolumeInput): PlannedVolume[] {
  const planned: PlannedVolume[] = [];
  const seen = new Set<string>();
  for (const entry of input.volumes) {
    const parsed = parseEntry(entry.trim());
    const destination = containerPath(parsed.destination, input);
    if (seen.has(destination)) {
      throw new ExecutorError('DOCKER_VOLUME_DUPLICATE', `volume for container path "${destination}" is already defined`, 'remove one of the entries from [runners.docker] volumes');
    }
    seen.add(destination);
    const mode = parsed.mode ? `:${parsed.mode}` : '';
    if (parsed.source !== undefined) {
      planned.push({ create: null, bind: `${parsed.source}:${destination}${mode}`, destination });
      continue;
    }
    const hash = md5Hex(destination);
    if (input.disableCache) {
      const name = `${input.jobBase}-cache-${hash}`;
      planned.push({ create: { name, persistent: false, destination }, bind: `${name}:${destination}${mode}`, destination });
    } else if (input.cacheDir) {
      planned.push({ create: null, bind: `${posix.join(input.cacheDir, input.cacheVolumePrefix, hash)}:${destination}${mode}`, destination });
    } else {
      const name = `${input.cacheVolumePrefix}-cache-${hash}`;
      planned.push({ create: { name, persistent: true, destination }, bind: `${name}:${destination}${mode}`, destination });
    }
  }
  return planned;
}

/** True when some volume already covers `path` (then the executor adds no volume of its own there). */
export function coveredBy(volumes: readonly PlannedVolume[], path: string): boolean {
  return volumes.some((v) => path === v.destination || path.startsWith(`${v.destination}/`));
}
