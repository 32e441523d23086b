// Docker-in-Docker on Kubernetes, checked before the pod is created (runner-behavior.md §11;
// https://docs.gitlab.com/ci/docker/using_docker_build/#use-the-kubernetes-executor-with-docker-in-docker).
// The dind service runs beside the build container in the pod and answers on localhost (and on the
// `docker` host alias). Unlike the docker executor, the build image's entrypoint does not run on
// Kubernetes (unless FF_KUBERNETES_HONOR_ENTRYPOINT), so the `docker` image's entrypoint never fills in
// DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: the job must set them. Pure.
import type { KubernetesSettings } from '../../model/kubernetes.js';
import { isDindImage } from '../images/dind-image.js';

export interface KubernetesDindInput {
  /** The job's variables after runner expansion (last value of a key wins). */
  variables: ReadonlyMap<string, string>;
  /** The service images of the pod (the job's and config.toml's). */
  serviceImages: readonly string[];
  settings: Pick<KubernetesSettings, 'privileged' | 'volumes' | 'serviceContainerSecurityContext'>;
  /** FF_KUBERNETES_HONOR_ENTRYPOINT: the image's entrypoint runs, and sets the client variables itself. */
  honorEntrypoint: boolean;
}

/** The upstream images' default (ENV DOCKER_TLS_CERTDIR=/certs). */
const UPSTREAM_CERT_DIR = '/certs';

/** One message per problem, each saying what to change; none without a dind service. */
export function kubernetesDindProblems(input: KubernetesDindInput): string[] {
  if (!input.serviceImages.some(isDindImage)) return [];
  const { variables, settings } = input;
  const problems: string[] = [];
  const service = input.settings.serviceContainerSecurityContext;
  const privileged = service?.privileged ?? settings.privileged ?? false;
  // An unprivileged service with SYS_ADMIN added is the deliberate fallback of hosts that refuse
  // privileged containers (see the README): dockerd starts there.
  if (!privileged && !service?.capabilities?.add.some((c) => /^(CAP_)?(SYS_ADMIN|ALL)$/i.test(c))) {
    problems.push('the dind service runs unprivileged, so dockerd inside it cannot start: set privileged = true in [runners.kubernetes] of config.toml');
  }
  const certDir = (variables.get('DOCKER_TLS_CERTDIR') ?? UPSTREAM_CERT_DIR).replace(/\/+$/, '');
  const tls = certDir !== '';
  const clientDir = `${certDir}/client`;
  if (tls && !settings.volumes.some((v) => v.kind === 'empty_dir' && [certDir, clientDir].includes(v.mountPath.replace(/\/+$/, '')))) {
    problems.push(
      `DOCKER_TLS_CERTDIR is ${JSON.stringify(certDir)}, so dind writes its client certificates to ${clientDir}, but no empty_dir volume shares that folder with the job: add [[runners.kubernetes.volumes.empty_dir]] with name = "docker-certs", mount_path = "${clientDir}", medium = "Memory" to config.toml, or turn TLS off with DOCKER_TLS_CERTDIR: "" and DOCKER_HOST: tcp://docker:2375`,
    );
  }
  if (input.honorEntrypoint) return problems;
  const missing = tls
    ? [
        ['DOCKER_HOST', 'tcp://docker:2376'],
        ['DOCKER_TLS_VERIFY', '1'],
        ['DOCKER_CERT_PATH', `${clientDir}`],
      ].filter(([key]) => !variables.get(key as string))
    : [['DOCKER_HOST', 'tcp://docker:2375']].filter(([key]) => !variables.get(key as string));
  if (missing.length > 0) {
    problems.push(
      `on Kubernetes the job image's entrypoint does not run, so nothing sets ${missing.map(([k]) => k).join(', ')} for the docker client: set ${missing.map(([k, v]) => `${k}: "${v}"`).join(', ')} in the job's variables`,
    );
  }
  return problems;
}
