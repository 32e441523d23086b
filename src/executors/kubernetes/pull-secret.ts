// The job's registry credentials as a pull secret (runner-behavior.md §3.4, §11.6; GitLab Runner
// executors/kubernetes/kubernetes.go setupCredentials): the docker executor's credential sources
// (DOCKER_AUTH_CONFIG, then the host's docker config and its helpers) are looked up for the job's
// images, and what they give goes into a `kubernetes.io/dockercfg` Secret that the pod names in
// imagePullSecrets and cleanup deletes. GitLab Runner writes every registry of every source into the
// secret; glci writes only the registries of the job's own images, so the cluster sees no more secrets
// than the job needs. The secret's content is never written to the log or to an error.
import { randomBytes } from 'node:crypto';
import { lookupCredentials, type CredentialsInput } from '../images/credentials.js';
import type { RegistryAuth } from '../images/registry-auth.js';
import type { Secret } from './client.js';
import { POD_LABELS } from './pod-manifest.js';

/** One registry's credentials, under the key its source wrote (`registry.example.com:5000`, `https://index.docker.io/v1/`). */
export interface PullCredential {
  key: string;
  auth: RegistryAuth;
}

/** An entry of the legacy `.dockercfg` document, which the kubelet reads. */
export interface DockercfgEntry {
  username?: string;
  password?: string;
  email?: string;
  auth?: string;
  identitytoken?: string;
}

/** The data key of a `kubernetes.io/dockercfg` secret. */
export const DOCKERCFG_KEY = '.dockercfg';

const NAME_MAX = 63;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Eight random [a-z0-9], as GitLab Runner's generateNameForK8sResources appends. */
export function randomSuffix(bytes: Buffer = randomBytes(8)): string {
  return [...bytes.subarray(0, 8)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** `<base>-<8 random>`, the base shortened so the whole stays a valid object name (≤ 63). */
export function pullSecretName(base: string, suffix: string = randomSuffix()): string {
  const room = NAME_MAX - suffix.length - 1;
  const trimmed = base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, room).replace(/-+$/, '');
  return `${trimmed || 'runner'}-${suffix}`;
}

/** `auth` is base64 of `user:password`, as docker writes it; the kubelet reads either form. */
export function dockercfgEntry(auth: RegistryAuth): DockercfgEntry {
  const entry: DockercfgEntry = {};
  if (auth.username !== undefined) entry.username = auth.username;
  if (auth.password !== undefined) entry.password = auth.password;
  if (auth.username !== undefined || auth.password !== undefined) {
    entry.auth = Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64');
  } else if (auth.auth) {
    entry.auth = auth.auth;
  }
  if (auth.identitytoken) entry.identitytoken = auth.identitytoken;
  return entry;
}

/** The `.dockercfg` document: registry key → entry, the first credential of a key kept. */
export function dockercfg(credentials: readonly PullCredential[]): Record<string, DockercfgEntry> {
  const document: Record<string, DockercfgEntry> = {};
  for (const { key, auth } of credentials) document[key] ??= dockercfgEntry(auth);
  return document;
}

export interface PullSecretMeta {
  name: string;
  pipelineId: number;
  jobId: number;
}

/** The Secret to create; labelled like the job's pod so cleanup and `glci clean` find it. */
export function pullSecretManifest(meta: PullSecretMeta, credentials: readonly PullCredential[]): Secret {
  const content = Buffer.from(JSON.stringify(dockercfg(credentials))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockercfg',
    metadata: {
      name: meta.name,
      labels: {
        [POD_LABELS.managedBy]: 'glci',
        [POD_LABELS.pipeline]: String(meta.pipelineId),
        [POD_LABELS.job]: String(meta.jobId),
      },
    },
    data: { [DOCKERCFG_KEY]: content },
  };
}

/**
 * The credentials the sources hold for the job's images (build and services), one per registry key;
 * a source that cannot be read is a warning, as in the docker executor. Names no secret.
 */
export async function pullCredentials(images: readonly string[], input: CredentialsInput): Promise<PullCredential[]> {
  const found = new Map<string, PullCredential>();
  // Each image consults every source: a source's warning is written once, not once per image.
  const said = new Set<string>();
  const log: CredentialsInput['log'] = (kind, message) => {
    if (said.has(message)) return;
    said.add(message);
    input.log(kind, message);
  };
  for (const image of new Set(images)) {
    const lookup = await lookupCredentials(image, { ...input, log });
    if (lookup.match && !found.has(lookup.match.key)) found.set(lookup.match.key, { key: lookup.match.key, auth: lookup.match.auth });
  }
  return [...found.values()];
}
