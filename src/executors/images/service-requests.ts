// A job's services as both container executors read them (runner-behavior.md §2.1, §2.2, §2.3, §11.2):
// config services first, then the job's, with runner-side `$VAR` expansion; the host names GitLab
// Runner derives from a service's image (`SplitNameAndVersion`); and the variables a service
// container sees. Shared here because one executor may not import another. Pure.
import type { ServiceDefinition } from '../../model/config.js';
import type { ConfigService } from '../../model/config-service.js';
import type { JobVariable } from '../../model/plan.js';

export interface ServiceRequest {
  /** Image, `$VAR`-expanded. */
  image: string;
  userAliases: string[];
  command?: string[];
  entrypoint?: string[];
  /** The service's own variables, already expanded against the job's. */
  variables: { key: string; value: string }[];
  pullPolicy?: ServiceDefinition['pullPolicy'];
  /** Config services bypass allowed_services. */
  internal: boolean;
  /** Position in the combined list, for warnings (`services[<i>]`). */
  index: number;
}

/** The job's and the config's services, in GitLab's order, with `$VAR` expansion applied. */
export function serviceRequests(config: ConfigService[], job: ServiceDefinition[], expand: (text: string) => string): ServiceRequest[] {
  const fromConfig = config.map((s, i): ServiceRequest => ({
    image: expand(s.name),
    userAliases: s.aliases.map(expand),
    command: s.command,
    entrypoint: s.entrypoint,
    variables: s.environment.map(({ key, value }) => ({ key, value: expand(value) })),
    internal: true,
    index: i,
  }));
  const fromJob = job.map((s, i): ServiceRequest => ({
    image: expand(s.name),
    userAliases: s.aliases.map(expand).filter((a) => a !== ''),
    ...(s.command ? { command: s.command } : {}),
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    variables: Object.entries(s.variables ?? {}).map(([key, value]) => ({ key, value: expand(value) })),
    ...(s.pullPolicy ? { pullPolicy: s.pullPolicy } : {}),
    internal: false,
    index: config.length + i,
  }));
  return [...fromConfig, ...fromJob];
}

/**
 * The job variables every service container gets before its own (`GetServiceVariables`): public ones
 * only — masked and protected settings variables never reach a service — and no file variables,
 * whose value is a path on the build side.
 */
export function servicePublicVariables(variables: readonly JobVariable[]): { key: string; value: string }[] {
  return variables.filter((v) => v.public && !v.masked && !v.file).map(({ key, value }) => ({ key, value }));
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
