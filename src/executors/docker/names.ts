// Names of the docker executor's resources and the host names of services, after GitLab Runner's
// patterns (runner-behavior.md §1.5, §2.2). Pure.
import { createHash, randomBytes } from 'node:crypto';

/** `RFC1123()`: lowercase, only `[-a-z0-9]`, no leading non-alphanumerics, at most 63 characters. */
export function rfc1123(text: string): string {
  return text.toLowerCase().replace(/[^-a-z0-9]/g, '').replace(/^[^a-z0-9]+/, '').slice(0, 63);
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** The per-job base of container names: `glci-<pipeline>-<job>-<16 hex>` (the runner's `<project-unique>-<random>`). */
export function jobResourceBase(pipelineId: number, jobId: number, random: string = randomBytes(8).toString('hex')): string {
  return `glci-${pipelineId}-${jobId}-${random}`;
}

/** A service's image split as `SplitNameAndVersion` does: the path without registry port, and its version. */
export interface ServiceImageName {
  /** `[registry/]path` with any registry port removed. */
  service: string;
  /** Tag, `@sha256:…`, or `latest`. */
  version: string;
  /** Host names derived from the image: `/` → `__`, then `/` → `-` when different. */
  aliases: string[];
}

const REFERENCE = /^(?:((?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::\d+)?)\/)?([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?$/;

/** True when the first path component names a registry host rather than a Docker Hub namespace. */
function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

export function splitServiceImage(image: string): ServiceImageName {
  const match = REFERENCE.exec(image);
  if (!match) return { service: image, version: 'latest', aliases: [] };
  const [, , , tag, digest] = match;
  let [, registry, path] = match;
  if (registry !== undefined && !isRegistryHost(registry)) {
    path = `${registry}/${path ?? ''}`;
    registry = undefined;
  }
  const host = registry?.replace(/:\d+$/, '');
  const service = host ? `${host}/${path ?? ''}` : (path ?? image);
  const version = tag ?? (digest ? `@${digest}` : 'latest');
  const underscored = service.replaceAll('/', '__');
  const dashed = service.replaceAll('/', '-');
  return { service, version, aliases: dashed === underscored ? [underscored] : [underscored, dashed] };
}

/** Container name of the `index`-th service: `<base>-<image path with / → __>-<index>`. */
export function serviceContainerName(base: string, service: string, index: number): string {
  return `${base}-${service.replaceAll('/', '__').replace(/[^a-zA-Z0-9_.-]/g, '_')}-${index}`;
}

/** The reference to pull: `:latest` is added when the name has neither a tag nor a digest. */
export function withDefaultTag(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  const last = image.slice(lastSlash + 1);
  return last.includes(':') || image.includes('@') ? image : `${image}:latest`;
}
