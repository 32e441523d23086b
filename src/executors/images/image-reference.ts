// Image names the way the Docker reference grammar reads them (distribution/reference), plus the
// few derived forms GitLab Runner uses: the reference it pulls (`:latest` appended), the path it looks
// credentials up by (runner-behavior.md §3.4), and service names and aliases (§2.2).

/** One image reference split into its parts; `domain` only when the first component names a registry. */
export interface ImageReference {
  /** `registry.example.com:5000`, `localhost`; absent for Docker Hub short names. */
  domain?: string;
  /** Repository path without the domain: `library/ruby`, `group/app`. */
  path: string;
  tag?: string;
  /** `sha256:<hex>`. */
  digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const NAME_MAX = 255;

/** Docker's rule for telling a registry host from the first path component of a Hub name. */
export function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component !== component.toLowerCase();
}

/** Parses `[domain/]path[:tag][@digest]`; null when the string is not a valid reference. */
export function parseImageReference(image: string): ImageReference | null {
  const match = REFERENCE.exec(image);
  if (!match) return null;
  const name = match[1] as string;
  if (name.length > NAME_MAX) return null;
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const reference: ImageReference = { path: name };
  if (first && looksLikeRegistry(first) && DOMAIN_ONLY.test(first)) {
    reference.domain = first;
    reference.path = name.slice(slash + 1);
  } else if (name !== name.toLowerCase()) {
    return null; // upper case is only allowed in a registry host
  }
  if (match[2] !== undefined) reference.tag = match[2];
  if (match[3] !== undefined) reference.digest = match[3];
  return reference;
}

/** What is sent to the engine: GitLab appends `:latest` only when the name has neither `:` nor `@`. */
export function pullReference(image: string): string {
  return /[:@]/.test(image) ? image : `${image}:latest`;
}

const DOCKER_HUB = 'docker.io';

/** Lower-cases the host part of `host/path` (host names are case-insensitive, paths are not). */
function lowerHost(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path.toLowerCase() : `${path.slice(0, slash).toLowerCase()}${path.slice(slash)}`;
}

/**
 * The path credentials are looked up by: the tag of the last element dropped, bare Hub names
 * prefixed with `docker.io/` (no `library/`), `index.docker.io` shortened, the host lower-cased.
 */
export function credentialPath(image: string): string {
  const withoutDigest = image.split('@')[0] as string;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const last = withoutDigest.slice(lastSlash + 1).split(':')[0] as string;
  let path = `${withoutDigest.slice(0, lastSlash + 1)}${last}`;
  const slash = path.indexOf('/');
  const first = slash === -1 ? '' : path.slice(0, slash);
  if (!first || !(first.includes('.') || first.includes(':') || first === 'localhost')) {
    path = `${DOCKER_HUB}/${path}`;
  } else if (first.toLowerCase() === `index.${DOCKER_HUB}`) {
    path = path.slice('index.'.length);
  }
  return lowerHost(path);
}

/**
 * A credential key (`auths` key, helper server URL) as a lookup path: scheme and any path after the
 * host dropped for URL forms (`https://index.docker.io/v1/` → `docker.io`), a trailing `:tag` after
 * the last `/` dropped, the host lower-cased. The port is kept.
 */
export function credentialKey(key: string): string {
  const scheme = /^https?:\/\//i;
  if (scheme.test(key)) {
    const host = (key.replace(scheme, '').split('/')[0] as string).toLowerCase();
    return host === `index.${DOCKER_HUB}` ? DOCKER_HUB : host;
  }
  let path = key.replace(/\/+$/, '');
  const colon = path.lastIndexOf(':');
  const slash = path.lastIndexOf('/');
  if (slash !== -1 && colon > slash) path = path.slice(0, colon);
  return lowerHost(path);
}

/** `a/b/c` → `['a/b/c', 'a/b', 'a']`: the lookup order, longest first. */
export function lookupPaths(path: string): string[] {
  const paths: string[] = [];
  for (let p = path; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') paths.push(p);
  return paths;
}

/** The registry part of a credential path (`docker.io`, `registry.example.com:5000`). */
export function registryOfPath(path: string): string {
  return path.split('/')[0] as string;
}

/** A service image as GitLab names it (runner-behavior.md §2.2). */
export interface ServiceName {
  /** The image path without tag, digest or registry port. */
  service: string;
  /** The tag, `@sha256:…` for a digest, else `latest`. */
  version: string;
  /** The reference to pull (`:latest` appended when there was neither tag nor digest). */
  image: string;
  /** `service` with `/` → `__`, then (when different) with `/` → `-`; none for unparsable names. */
  aliases: string[];
}

/** GitLab Runner's SplitNameAndVersion: the service name, version and the host names derived from it. */
export function serviceName(image: string): ServiceName {
  const reference = parseImageReference(image);
  if (!reference) return { service: image, version: 'latest', image, aliases: [] };
  const host = reference.domain?.replace(/:[0-9]+$/, '');
  const service = host ? `${host}/${reference.path}` : reference.path;
  const version = reference.tag ?? (reference.digest ? `@${reference.digest}` : 'latest');
  const aliases = [service.replaceAll('/', '__')];
  const dashed = service.replaceAll('/', '-');
  if (dashed !== aliases[0]) aliases.push(dashed);
  return { service, version, image: reference.tag || reference.digest ? image : `${image}:latest`, aliases };
}
