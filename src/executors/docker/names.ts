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

// Moved to images/ (the kubernetes executor derives the same host names); re-exported for docker's callers.
export { splitServiceImage, type ServiceImageName } from '../images/service-requests.js';

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
