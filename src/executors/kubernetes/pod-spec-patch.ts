// `[[runners.kubernetes.pod_spec]]` patches applied to the generated pod spec, in order, when
// FF_USE_ADVANCED_POD_SPEC_CONFIGURATION is on (GitLab Runner executors/kubernetes/kubernetes.go
// applyPodSpecMerge / doPodSpecMerge): `json` is an RFC 6902 patch, `merge` an RFC 7386 merge patch,
// `strategic` Kubernetes' strategic merge patch against the PodSpec schema. For the strategic kind
// the lists a pod spec merges by key are listed below (from k8s.io/api/core/v1's patchMergeKey tags);
// every other list is replaced whole, as Kubernetes does. Pure.
import { ExecutorError } from '../../errors.js';
import type { KubernetesPodSpecPatch } from '../../model/kubernetes.js';
import type { Pod } from './client.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);

// ---- RFC 7386 --------------------------------------------------------------------------------------

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

// ---- RFC 6902 --------------------------------------------------------------------------------------

interface Operation {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

class PatchError extends Error {}

/** RFC 6901: `/a/b~1c/0` → ['a', 'b/c', '0']. */
function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`"${path}" is not a JSON pointer (it must start with /)`);
  return path.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function arrayIndex(list: Json[], token: string, path: string, forAdd: boolean): number {
  if (forAdd && token === '-') return list.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`"${path}": "${token}" is not an array index`);
  const index = Number(token);
  if (index > list.length || (!forAdd && index === list.length)) throw new PatchError(`"${path}": index ${index} is out of range`);
  return index;
}

/** The container of the pointer's last token, and that token. */
function parentOf(doc: Json, path: string): { parent: JsonObject | Json[]; key: string } {
  const tokens = pointer(path);
  const key = tokens.pop();
  if (key === undefined) throw new PatchError('the whole document cannot be the target here');
  let node: Json = doc;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[arrayIndex(node, token, path, false)] ?? null;
    else if (isObject(node) && token in node) node = node[token] ?? null;
    else throw new PatchError(`"${path}" does not exist`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw new PatchError(`"${path}": its parent is not an object or array`);
  return { parent: node, key };
}

function getAt(doc: Json, path: string): Json {
  if (path === '') return doc;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, path, false)] ?? null;
  if (!(key in parent)) throw new PatchError(`"${path}" does not exist`);
  return parent[key] ?? null;
}

function removeAt(doc: Json, path: string): Json {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, path, false), 1)[0] ?? null;
  if (!(key in parent)) throw new PatchError(`"${path}" does not exist`);
  const value = parent[key] ?? null;
  delete parent[key];
  return value;
}

function addAt(doc: Json, path: string, value: Json): Json {
  if (path === '') return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

const equal = (a: Json, b: Json): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k] ?? null)]));
}

function applyOperation(doc: Json, op: Operation): Json {
  const value = (): Json => {
    if (!('value' in op)) throw new PatchError(`"${op.op}" at "${op.path}" has no value`);
    return clone(op.value ?? null);
  };
  switch (op.op) {
    case 'add':
      return addAt(doc, op.path, value());
    case 'remove':
      removeAt(doc, op.path);
      return doc;
    case 'replace':
      if (op.path === '') return value();
      getAt(doc, op.path); // must exist
      removeAt(doc, op.path);
      return addAt(doc, op.path, value());
    case 'move':
    case 'copy': {
      if (op.from === undefined) throw new PatchError(`"${op.op}" at "${op.path}" has no from`);
      if (op.op === 'move' && (op.path === op.from || op.path.startsWith(`${op.from}/`))) {
        if (op.path === op.from) return doc;
        throw new PatchError(`"${op.path}" is inside "${op.from}", which cannot move into itself`);
      }
      const moved = op.op === 'move' ? removeAt(doc, op.from) : clone(getAt(doc, op.from));
      return addAt(doc, op.path, moved);
    }
    case 'test':
      if (!equal(getAt(doc, op.path), value())) throw new PatchError(`test at "${op.path}" failed: the value differs`);
      return doc;
    default:
      throw new PatchError(`unknown operation "${op.op}"`);
  }
}

export function jsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw new PatchError('a JSON patch is an array of operations');
  let doc = clone(target);
  for (const [i, raw] of patch.entries()) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new PatchError(`operation ${i} needs "op" and "path" strings`);
    }
    if ('from' in raw && typeof raw.from !== 'string') throw new PatchError(`operation ${i}: "from" is not a string`);
    doc = applyOperation(doc, raw as unknown as Operation);
  }
  return doc;
}

// ---- strategic merge patch -------------------------------------------------------------------------

/** Merge keys of the PodSpec lists (`patchStrategy:"merge"`), by the field's path of names. */
const POD_SPEC_KEYS: Record<string, string> = {
  volumes: 'name',
  initContainers: 'name',
  containers: 'name',
  ephemeralContainers: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  schedulingGates: 'name',
};
const CONTAINER_KEYS: Record<string, string> = { env: 'name', ports: 'containerPort', volumeMounts: 'mountPath', volumeDevices: 'devicePath' };
const CONTAINER_LISTS = new Set(['initContainers', 'containers', 'ephemeralContainers']);

/** The merge key of the list at `path` (field names from the spec down), if Kubernetes merges it. */
function mergeKeyAt(path: readonly string[]): string | undefined {
  if (path.length === 1) return POD_SPEC_KEYS[path[0] as string];
  if (path.length === 2 && CONTAINER_LISTS.has(path[0] as string)) return CONTAINER_KEYS[path[1] as string];
  return undefined;
}

/** `$patch`, `$retainKeys`, `$setElementOrder/...`, `$deleteFromPrimitiveList/...`: directives, not fields. */
const isDirective = (key: string) => key.startsWith('$');

function strategicObject(target: Json, patch: JsonObject, path: readonly string[]): Json {
  if (patch.$patch === 'replace') return withoutDirectives(patch);
  if (patch.$patch === 'delete') return null;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list) && Array.isArray(value)) result[field] = list.filter((v) => !value.some((d) => equal(d, v)));
      continue;
    }
    if (isDirective(key)) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = strategicValue(result[key] ?? null, value, [...path, key]);
    if (merged === null) delete result[key];
    else result[key] = merged;
  }
  return result;
}

function strategicValue(target: Json, patch: Json, path: readonly string[]): Json {
  if (isObject(patch)) return strategicObject(target, patch, path);
  if (!Array.isArray(patch)) return clone(patch);
  const key = mergeKeyAt(path);
  if (key) return mergeList(Array.isArray(target) ? target : [], patch, key, path);
  // A list Kubernetes does not merge is replaced; a `{"$patch": "replace"}` marker in it is dropped.
  return patch.filter((e) => !(isObject(e) && e.$patch === 'replace')).map((e) => (isObject(e) ? withoutDirectives(e) : e));
}

/** A keyed list: patch elements merge into the element with the same key, others are appended. */
function mergeList(target: Json[], patch: Json[], key: string, path: readonly string[]): Json[] {
  if (patch.some((e) => isObject(e) && e.$patch === 'replace' && Object.keys(e).length === 1)) {
    return patch.filter((e) => !(isObject(e) && e.$patch === 'replace')).map((e) => (isObject(e) ? withoutDirectives(e) : e));
  }
  const result = clone(target);
  for (const element of patch) {
    if (!isObject(element) || !(key in element)) throw new PatchError(`an element of ${path.join('.')} has no "${key}", the key it merges by`);
    const at = result.findIndex((e) => isObject(e) && equal(e[key] ?? null, element[key] ?? null));
    if (element.$patch === 'delete') {
      if (at >= 0) result.splice(at, 1);
      continue;
    }
    if (at >= 0) result[at] = strategicObject(result[at] ?? null, element, path);
    else result.push(withoutDirectives(element));
  }
  return result;
}

function withoutDirectives(value: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !isDirective(k)).map(([k, v]) => [k, isObject(v) ? withoutDirectives(v) : v]));
}

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) throw new PatchError('a strategic merge patch is a JSON object');
  return strategicObject(target, patch, []) ?? {};
}

// ---- applying --------------------------------------------------------------------------------------

const APPLY: Record<KubernetesPodSpecPatch['patchType'], (target: Json, patch: Json) => Json> = {
  json: jsonPatch,
  merge: mergePatch,
  strategic: strategicMergePatch,
};

/** The pod with its spec patched by each patch in turn; a patch that does not apply fails the job. */
export function patchPodSpec(pod: Pod, patches: readonly KubernetesPodSpecPatch[]): Pod {
  // Plain JSON, as GitLab marshals the PodSpec before patching (undefined fields are not there).
  let spec = JSON.parse(JSON.stringify(pod.spec ?? {})) as Json;
  for (const patch of patches) {
    if (patch.patch === null || patch.patch === undefined) continue;
    try {
      spec = APPLY[patch.patchType](spec, patch.patch as Json);
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      throw new ExecutorError(
        'KUBE_POD_SPEC_PATCH',
        `pod_spec patch "${patch.name}" (patch_type "${patch.patchType}") cannot be applied to the job's pod spec: ${error.message}`,
        'fix the patch in [[runners.kubernetes.pod_spec]] of config.toml',
      );
    }
    if (!isObject(spec)) throw new ExecutorError('KUBE_POD_SPEC_PATCH', `pod_spec patch "${patch.name}" left no pod spec (the result is not an object)`);
  }
  return { ...pod, spec: spec as unknown as Pod['spec'] };
}
