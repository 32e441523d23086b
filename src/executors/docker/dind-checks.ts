// Docker-in-Docker misconfigurations, found by reading the job's configuration before anything starts,
// so the user reads what to change instead of a `docker` client timeout. GitLab Runner has no DinD code
// (runner-behavior.md §5): DinD works through shared volumes, variables passed to services and the
// `docker` alias, and these checks look at exactly those. What works on GitLab is never flagged: the
// upstream `docker` image's entrypoint fills in DOCKER_HOST and the TLS variables when they are unset.
// Pure.
import type { DockerSettings } from '../../model/runner.js';
import { isDindImage } from '../images/dind-image.js';

export { isDindImage };

export interface DindCheckInput {
  /** The job's variables after runner expansion (last value of a key wins). */
  variables: ReadonlyMap<string, string>;
  /** Services as planned: image as written and every host name. */
  services: readonly { image: string; aliases: readonly string[] }[];
  settings: DockerSettings;
  /** The volume binds the job's containers get (`src:dst[:mode]` or volume names). */
  binds: readonly string[];
}

/** The default of the upstream images (ENV DOCKER_TLS_CERTDIR=/certs). */
const UPSTREAM_CERT_DIR = '/certs';

function destinations(binds: readonly string[]): string[] {
  return binds.map((bind) => bind.split(':')[1] ?? bind).map((d) => d.replace(/\/+$/, ''));
}

function parseDockerHost(value: string): { host: string; port: number } | null {
  const match = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(value);
  if (!match) return null;
  return { host: match[1] as string, port: match[2] ? Number(match[2]) : 2375 };
}

/** One message per problem, each saying what to change. */
export function dindProblems(input: DindCheckInput): string[] {
  const dind = input.services.filter((s) => isDindImage(s.image));
  const problems: string[] = [];
  const { settings, variables } = input;
  const socketBound = destinations(input.binds).includes('/var/run/docker.sock');
  if (dind.length === 0) return problems;
  if (socketBound) {
    problems.push('the Docker socket is bound into the job AND a dind service runs: the socket is mounted into services too, so the two styles clash (GitLab documents them as incompatible); use one of them');
  }
  const servicesPrivileged = settings.servicesPrivileged ?? settings.privileged;
  if (!servicesPrivileged) {
    problems.push('the dind service runs unprivileged, so dockerd inside it cannot start: set privileged = true (or services_privileged = true) in [runners.docker] of config.toml; where the engine refuses privileged containers, add privileged_fallback = true (or run with --privileged-fallback)');
  }
  const certDir = variables.get('DOCKER_TLS_CERTDIR') ?? UPSTREAM_CERT_DIR;
  const tls = certDir !== '';
  const clientDir = `${certDir.replace(/\/+$/, '')}/client`;
  if (tls && !destinations(input.binds).some((d) => d === clientDir || d === certDir.replace(/\/+$/, ''))) {
    problems.push(`DOCKER_TLS_CERTDIR is ${JSON.stringify(certDir)}, so dind writes client certificates to ${clientDir}, but no volume shares that folder with the job: add "${clientDir}" to volumes in [runners.docker] (e.g. volumes = ["${clientDir}", "/cache"]), or turn TLS off with DOCKER_TLS_CERTDIR: "" and DOCKER_HOST: tcp://docker:2375`);
  }
  const hostVariable = variables.get('DOCKER_HOST');
  const target = hostVariable ? parseDockerHost(hostVariable) : null;
  if (hostVariable && target) {
    const names = dind.flatMap((s) => s.aliases);
    if (!names.includes(target.host)) {
      problems.push(`DOCKER_HOST is ${hostVariable}, but no dind service answers to "${target.host}" (its host names: ${names.join(', ') || 'none'}): give the service alias: ${target.host}, or point DOCKER_HOST at one of those names`);
    }
    if (tls && target.port === 2375) {
      problems.push(`DOCKER_HOST uses port 2375, but with DOCKER_TLS_CERTDIR set dind listens on 2376 with TLS: use tcp://${target.host}:2376, or set DOCKER_TLS_CERTDIR: "" to turn TLS off`);
    }
    if (!tls && target.port === 2376) {
      problems.push(`DOCKER_HOST uses port 2376, but with DOCKER_TLS_CERTDIR empty dind listens on 2375 without TLS: use tcp://${target.host}:2375, or set DOCKER_TLS_CERTDIR: "/certs"`);
    }
  }
  const verify = variables.get('DOCKER_TLS_VERIFY');
  if (!tls && verify !== undefined && verify !== '' && verify !== '0') {
    problems.push('DOCKER_TLS_VERIFY is set but DOCKER_TLS_CERTDIR is empty, so dind serves no TLS: unset DOCKER_TLS_VERIFY (and DOCKER_CERT_PATH), or set DOCKER_TLS_CERTDIR: "/certs"');
  }
  return problems;
}
