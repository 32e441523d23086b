// The nested tables of `[runners.kubernetes]`: volumes, security contexts, affinity and pod_spec patches
// (runner-behavior.md §9.4; GitLab Runner's common/config.go). Split from kubernetes-section.ts to keep
// both readable. Entries record one origin for their whole table (like docker services): `glci config
// show` lists tables, not every nested key.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type {
  KubernetesPodSecurityContext, KubernetesPodSpecPatch, KubernetesSecurityContext, KubernetesVolume,
} from '../model/kubernetes.js';
import {
  AFFINITY_SCHEMA, CAPABILITIES_SCHEMA, CONTAINER_SECURITY_SCHEMA, POD_SECURITY_SCHEMA, POD_SPEC_SCHEMA, VOLUMES_SCHEMA,
  VOLUME_SCHEMAS,
} from './schema.js';
import { Section, camel, describeValue, isTable } from './section.js';

/** Kubernetes' resource.Quantity syntax: a signed decimal with a binary-SI, decimal-SI or exponent suffix. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The same table read into a private origins map, so only the table itself appears in `config show`. */
export function entry(s: Section): Section {
  return new Section({ ...s.ctx, origins: {} }, s.table, s.path, s.modelPath);
}

/** A quantity string ("500m", "1Gi"); "" means unset, as in GitLab Runner. */
export function readQuantity(s: Section, key: string): string | undefined {
  const value = s.string(key);
  if (value === undefined || value === '') return undefined;
  if (!QUANTITY.test(value)) {
    s.error(s.keyPath(key), `${s.keyPath(key)} must be a Kubernetes quantity such as "500m", "2" or "1Gi", not ${describeValue(value)}`);
  }
  return value;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---- volumes ---------------------------------------------------------------------------------------

type VolumeKind = KubernetesVolume['kind'];
const VOLUME_KINDS: VolumeKind[] = ['host_path', 'pvc', 'config_map', 'secret', 'empty_dir'];

export function readVolumes(s: Section): KubernetesVolume[] {
  const table = s.child('volumes');
  if (!table) return [];
  const volumes = entry(table);
  volumes.checkKeys(VOLUMES_SCHEMA);
  return VOLUME_KINDS.flatMap((kind) =>
    volumes.tables(kind, `write [[runners.kubernetes.volumes.${kind}]]`).map((v) => readVolume(entry(v), kind)));
}

function readVolume(v: Section, kind: VolumeKind): KubernetesVolume {
  v.checkKeys(VOLUME_SCHEMAS[kind]);
  const name = v.string('name');
  if (!name) v.error(v.path, `${v.path} needs a name (the ${kind === 'host_path' || kind === 'empty_dir' ? 'volume' : kind.replace('_', ' ')} name)`);
  const mountPath = v.string('mount_path');
  if (!mountPath) v.error(v.path, `${v.path} needs a mount_path (where the volume appears in the containers)`);
  const base = withoutUndefined({
    name: name ?? '',
    mountPath: mountPath ?? '',
    subPath: v.string('sub_path') || undefined,
    readOnly: v.boolean('read_only', false),
    mountPropagation: v.string('mount_propagation') || undefined,
  });
  switch (kind) {
    // GitLab Runner mounts the same path of the node when host_path is empty.
    case 'host_path': return { ...base, kind, hostPath: v.string('host_path') || base.mountPath };
    case 'pvc': return { ...base, kind };
    case 'config_map': return { ...base, kind, items: v.stringMap('items') };
    case 'secret': return { ...base, kind, items: v.stringMap('items') };
    case 'empty_dir': return withoutUndefined({ ...base, kind, medium: v.string('medium') || undefined, sizeLimit: readQuantity(v, 'size_limit') });
  }
}

// ---- security contexts -----------------------------------------------------------------------------

const PROC_MOUNTS = ['default', 'unmasked'];

export function readContainerSecurityContext(s: Section, key: string): KubernetesSecurityContext | undefined {
  const table = s.child(key);
  if (!table) return undefined;
  const c = entry(table);
  c.checkKeys(CONTAINER_SECURITY_SCHEMA);
  const caps = c.child('capabilities');
  let capabilities: KubernetesSecurityContext['capabilities'];
  if (caps) {
    caps.checkKeys(CAPABILITIES_SCHEMA);
    capabilities = { add: caps.strings('add'), drop: caps.strings('drop') };
  }
  let procMount = c.string('proc_mount')?.trim();
  if (procMount === '') procMount = undefined;
  // GitLab Runner title-cases it and logs an error (then leaves it unset) for anything else.
  if (procMount !== undefined && !PROC_MOUNTS.includes(procMount.toLowerCase())) {
    c.warn(c.keyPath('proc_mount'), `${c.keyPath('proc_mount')} ${JSON.stringify(procMount)} is not default or unmasked: ignored, as GitLab Runner does`);
    procMount = undefined;
  }
  return withoutUndefined({
    privileged: c.optionalBoolean('privileged'),
    runAsUser: c.optionalInteger('run_as_user'),
    runAsGroup: c.optionalInteger('run_as_group'),
    runAsNonRoot: c.optionalBoolean('run_as_non_root'),
    readOnlyRootFilesystem: c.optionalBoolean('read_only_root_filesystem'),
    allowPrivilegeEscalation: c.optionalBoolean('allow_privilege_escalation'),
    capabilities,
    seLinuxType: c.string('selinux_type') || undefined,
    procMount: procMount === undefined ? undefined : procMount[0]!.toUpperCase() + procMount.slice(1).toLowerCase(),
  });
}

export function readPodSecurityContext(s: Section): KubernetesPodSecurityContext | undefined {
  const table = s.child('pod_security_context');
  if (!table) return undefined;
  const p = entry(table);
  p.checkKeys(POD_SECURITY_SCHEMA);
  const groups = p.read('supplemental_groups', 'an array of integers', (v) =>
    Array.isArray(v) && v.every((g) => typeof g === 'number' && Number.isInteger(g)) ? (v as number[]) : undefined);
  return withoutUndefined({
    fsGroup: p.optionalInteger('fs_group'),
    runAsUser: p.optionalInteger('run_as_user'),
    runAsGroup: p.optionalInteger('run_as_group'),
    runAsNonRoot: p.optionalBoolean('run_as_non_root'),
    supplementalGroups: groups ?? [],
    fsGroupChangePolicy: p.string('fs_group_change_policy') || undefined,
  });
}

// ---- affinity --------------------------------------------------------------------------------------

/**
 * GitLab Runner's snake_case affinity tables → Kubernetes' camelCase Affinity, key by key. The keys of
 * `match_labels` are the user's label names and stay as written.
 */
function toCamel(value: unknown, keepKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toCamel(v));
  if (!isTable(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [keepKeys ? k : camel(k), toCamel(v, k === 'match_labels')]));
}

export function readAffinity(s: Section): Record<string, unknown> | undefined {
  const table = s.child('affinity');
  if (!table) return undefined;
  const a = entry(table);
  a.checkKeys(AFFINITY_SCHEMA);
  return toCamel(a.table) as Record<string, unknown>;
}

// ---- pod_spec --------------------------------------------------------------------------------------

const PATCH_TYPES: KubernetesPodSpecPatch['patchType'][] = ['strategic', 'merge', 'json'];

export function readPodSpec(s: Section): KubernetesPodSpecPatch[] {
  return s.tables('pod_spec', 'write [[runners.kubernetes.pod_spec]]').map((t) => readPatch(entry(t)));
}

function readPatch(p: Section): KubernetesPodSpecPatch {
  p.checkKeys(POD_SPEC_SCHEMA);
  const name = p.string('name') ?? '';
  const typeValue = p.string('patch_type') || 'strategic';
  const patchType = PATCH_TYPES.find((t) => t === typeValue);
  if (!patchType) p.error(p.keyPath('patch_type'), `${p.keyPath('patch_type')} ${JSON.stringify(typeValue)} is not ${PATCH_TYPES.join(', ')}`);
  const text = p.string('patch') ?? '';
  const patchPath = p.string('patch_path') ?? '';
  let source = text;
  let at = p.keyPath('patch');
  if (patchPath !== '') {
    at = p.keyPath('patch_path');
    // GitLab Runner's errPatchAmbiguous.
    if (text !== '') p.error(at, `${p.path} (${name}): ambiguous patch: both patch_path and patch provided`);
    source = readPatchFile(p, patchPath) ?? '';
  } else if (text === '') {
    p.error(p.path, `${p.path} (${name}) needs a patch or a patch_path`);
  }
  return { name, patchType: patchType ?? 'strategic', patch: source === '' ? null : parsePatch(p, at, source, patchType ?? 'strategic') };
}

/** patch_path is relative to the config file (GitLab Runner resolves it from its working directory). */
function readPatchFile(p: Section, patchPath: string): string | undefined {
  const file = isAbsolute(patchPath) ? patchPath : resolve(dirname(p.ctx.file || '.'), patchPath);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    p.error(p.keyPath('patch_path'), `${p.keyPath('patch_path')}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return undefined;
  }
}

// GitLab Runner accepts YAML too (sigs.k8s.io/yaml); runner-config has no YAML parser (the yaml package
// belongs to src/config/), so a YAML patch is an error that says how to fix it.
function parsePatch(p: Section, at: string, source: string, type: KubernetesPodSpecPatch['patchType']): unknown {
  let patch: unknown;
  try {
    patch = JSON.parse(source);
  } catch (err) {
    p.error(at, `${at} is not JSON (${(err as Error).message}): glci reads pod_spec patches as JSON only; write a YAML patch as JSON`);
    return null;
  }
  if (type === 'json' && !Array.isArray(patch)) p.error(at, `${at} must be a JSON array of operations for patch_type "json" (RFC 6902)`);
  if (type !== 'json' && !isTable(patch)) p.error(at, `${at} must be a JSON object for patch_type "${type}"`);
  return patch;
}
