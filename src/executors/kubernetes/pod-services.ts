// The job's services as containers of its pod (runner-behavior.md §11.2, §11.3). Every container of a
// pod shares one network namespace, so a service listens on the build container's localhost: its host
// names are one `hostAliases` entry on 127.0.0.1 (the names derived from the image that are valid
// DNS names, then the user's aliases, which must be), before `host_aliases` of config.toml. Config
// services come first and bypass allowed_services, as in the docker executor. Pure but for the
// allowlist's refusal lines, which go to the job log.
import { ExecutorError } from '../../errors.js';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import type { ServiceDefinition } from '../../model/config.js';
import type { ConfigService } from '../../model/config-service.js';
import type { KubernetesSettings } from '../../model/kubernetes.js';
import type { JobVariable } from '../../model/plan.js';
import { expandRunnerValue } from '../../variables/runner-expansion.js';
import { verifyAllowedImage } from '../images/allowlist.js';
import { serviceRequests, servicePublicVariables, splitServiceImage, type ServiceRequest } from '../images/service-requests.js';
import type { Pod } from './client.js';
import { containerResources } from './pod-manifest.js';

type Container = NonNullable<Pod['spec']>['containers'][number];
type HostAlias = NonNullable<NonNullable<Pod['spec']>['hostAliases']>[number];

export interface PodServicesInput {
  /** The job's `services:` (PlannedJob.services). */
  services: ServiceDefinition[];
  /** `[[runners.kubernetes.services]]`. */
  config: ConfigService[];
  /** The job's variables after the runner's expansion (`expandRunnerVariables`). */
  variables: readonly JobVariable[];
  settings: Pick<KubernetesSettings, 'service' | 'pullPolicy' | 'allowedImages' | 'allowedServices' | 'hostAliases'>;
  log: (kind: RunnerLineKind, message: string) => void;
}

/** A service whose own variables set HEALTHCHECK_TCP_PORT: the prepare stage waits for that port. */
export interface ServiceHealthCheck {
  /** The service's container in the pod. */
  container: string;
  image: string;
  port: number;
}

export interface PodServices {
  /** In order, after build and helper; pod-manifest.ts gives each the pod's volume mounts. */
  containers: Container[];
  /** The services' names on 127.0.0.1 (when there are any), then `host_aliases`. */
  hostAliases: HostAlias[];
  healthChecks: ServiceHealthCheck[];
}

const PULL_POLICIES = { always: 'Always', 'if-not-present': 'IfNotPresent', never: 'Never' } as const;
/** Container names GitLab Runner's own containers take. */
const RESERVED = ['build', 'helper'];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes' IsDNS1123Label: what a container name must be. */
export function isDns1123Label(text: string): boolean {
  return text.length <= 63 && DNS_LABEL.test(text);
}

/** Kubernetes' IsDNS1123Subdomain: what a hostAliases host name must be. */
export function isDns1123Subdomain(text: string): boolean {
  return text.length <= 253 && DNS_SUBDOMAIN.test(text);
}

export function podServices(input: PodServicesInput): PodServices {
  const expand = (text: string) => expandRunnerValue(text, input.variables);
  const requests = serviceRequests(input.config, input.services, expand);
  for (const request of requests) checkAllowed(request, input);
  const publicEnv = servicePublicVariables(input.variables);
  const used = new Set(RESERVED);
  let unnamed = 0;
  const containers: Container[] = [];
  const healthChecks: ServiceHealthCheck[] = [];
  for (const request of requests) {
    let name = request.userAliases.find((alias) => isDns1123Label(alias) && !used.has(alias));
    // svc-<n> counts over the services without a usable alias; a user alias may already hold one.
    while (name === undefined || used.has(name)) name = `svc-${unnamed++}`;
    used.add(name);
    containers.push(serviceContainer(name, request, publicEnv, input.settings));
    const port = healthCheckPort(request);
    if (port !== undefined) healthChecks.push({ container: name, image: request.image, port });
  }
  return { containers, hostAliases: [...servicesHostAlias(requests), ...input.settings.hostAliases], healthChecks };
}

function serviceContainer(name: string, request: ServiceRequest, publicEnv: { key: string; value: string }[], settings: PodServicesInput['settings']): Container {
  const policy = (request.pullPolicy ?? settings.pullPolicy)[0];
  return {
    name,
    image: request.image,
    // Kubernetes' command replaces the image's ENTRYPOINT and args its CMD, as the service keys do.
    ...(request.entrypoint?.length ? { command: request.entrypoint } : {}),
    ...(request.command?.length ? { args: request.command } : {}),
    ...(policy ? { imagePullPolicy: PULL_POLICIES[policy] } : {}),
    stdin: true,
    env: [...publicEnv, ...request.variables].map(({ key, value }) => ({ name: key, value })),
    resources: containerResources(settings.service),
  };
}

/** allowed_services, with the docker executor's lines in the log; the refusal names this executor's table. */
function checkAllowed(request: ServiceRequest, input: PodServicesInput): void {
  try {
    verifyAllowedImage({ name: request.image, kind: 'service', internal: request.internal }, input.settings, input.log);
  } catch (error) {
    if (!(error instanceof ExecutorError)) throw error;
    const patterns = input.settings.allowedServices.join(', ');
    throw new ExecutorError('KUBE_SERVICE_NOT_ALLOWED', 'disallowed image', `"${request.image}" matches none of allowed_services in [runners.kubernetes] (${patterns})`);
  }
}

/** HEALTHCHECK_TCP_PORT from the service's own variables (not the job's), as GitLab Runner reads it. */
function healthCheckPort(request: ServiceRequest): number | undefined {
  const value = request.variables.findLast((v) => v.key === 'HEALTHCHECK_TCP_PORT')?.value;
  if (value === undefined || value === '') return undefined;
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (port >= 1 && port <= 65535) return port;
  throw new ExecutorError(
    'KUBE_SERVICE_HEALTHCHECK_PORT',
    `service ${request.image}: HEALTHCHECK_TCP_PORT "${value}" is not a TCP port`,
    'set HEALTHCHECK_TCP_PORT in the service\'s variables to the port it listens on (1-65535)',
  );
}

/** `createServicesHostAlias`: derived names that are not valid DNS are dropped, a user's alias that is not valid fails the job. */
function servicesHostAlias(requests: ServiceRequest[]): HostAlias[] {
  const hostnames: string[] = [];
  for (const request of requests) {
    for (const alias of splitServiceImage(request.image).aliases) if (isDns1123Subdomain(alias)) hostnames.push(alias);
    for (const alias of request.userAliases) {
      if (!isDns1123Subdomain(alias)) {
        throw new ExecutorError(
          'KUBE_SERVICE_ALIAS',
          `provided host alias ${alias} for service ${request.image} is invalid DNS. a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
          `change the alias of service ${request.image} (alias: in the job, or alias in [[runners.kubernetes.services]]) to a host name such as "db" or "db.internal"`,
        );
      }
      hostnames.push(alias);
    }
  }
  // Every name points at 127.0.0.1, so a second service's copy of a name adds nothing.
  const unique = [...new Set(hostnames)];
  return unique.length ? [{ ip: '127.0.0.1', hostnames: unique }] : [];
}
