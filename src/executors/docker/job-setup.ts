// The steps of one docker job's prepare, in GitLab Runner's order (runner-behavior.md §1.2): image,
// per-build network, volumes, services (started in parallel, then waited for), build container, sources.
import { basename } from 'node:path';
import { ExecutorError } from '../../errors.js';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import type { JobVariable, PlannedJob } from '../../model/plan.js';
import type { DockerSettings, RunnerSettings } from '../../model/runner.js';
import { expandRunnerValue, expandRunnerVariables, featureFlagOn } from '../../variables/index.js';
import type { JobIO, PrepareOptions } from '../executor.js';
import { engineMessage, type DockerClient, type ImageFacts, type PullProgress } from './client.js';
import { buildContainerSpec, type NetworkPlan } from './container-spec.js';
import { runFailureHint, type JobResources } from './docker-environment.js';
import { dindProblems } from './dind-checks.js';
import { privilegeFor, privilegedRefusalHint } from './host-privileges.js';
import { waitForServices } from './health-check.js';
import { resolveOwner, type Owner } from './image-user.js';
import { LABELS, type ResourceType } from './labels.js';
import { jobResourceBase, md5Hex, rfc1123 } from './names.js';
import { imageMatches, privilegedAllowed } from '../images/allowlist.js';
import { servicePublicVariables } from '../images/service-requests.js';
import { createPullSession, resolveImage, type ImageRequest, type PullContext } from './pull/resolve-image.js';
import { legacyLinks, planServices, serviceImageRequest, serviceRequests, startService, type StartedService } from './services.js';
import { deliverSources, gitStrategy } from '../sources/deliver-checkout.js';
import { followServiceLogs } from './service-logs.js';
import { coveredBy, planVolumes, type PlannedVolume } from './volumes.js';

export interface JobSetupInput {
  client: DockerClient;
  job: PlannedJob;
  prepare: PrepareOptions;
  io: JobIO;
  log: (kind: RunnerLineKind, message: string) => void;
  signal: AbortSignal;
  resources: JobResources;
  runner: RunnerSettings;
  docker: DockerSettings;
  env: Readonly<Record<string, string | undefined>>;
  /** The job's concurrency slot on its runner (GitLab's `cc`): part of cache volume names. */
  slot: number;
}

export interface PreparedJob {
  buildContainer: string;
  projectDir: string;
  buildsDir: string;
  tmpDir: string;
  owner: Owner;
  /** The get_sources stage: streams the checkout into the build container. */
  getSources: (signal: AbortSignal) => Promise<void>;
}

const DEFAULT_SERVICE_WAIT_SECONDS = 30;

export class JobSetup {
  private readonly variables: JobVariable[];
  private readonly base: string;
  private readonly projectPath: string;
  private readonly buildsDir: string;
  private readonly projectDir: string;
  private pulls: PullContext | undefined;

  constructor(private readonly input: JobSetupInput) {
    this.variables = expandRunnerVariables(input.job.variables);
    this.base = jobResourceBase(input.prepare.pipelineId, input.prepare.jobId);
    this.projectPath = this.variable('CI_PROJECT_PATH') ?? basename(input.prepare.sourceDir);
    this.buildsDir = (input.runner.buildsDir ?? '/builds').replace(/\/+$/, '');
    this.projectDir = `${this.buildsDir}/${this.projectPath}${this.gitStrategy() === 'empty' ? '-empty' : ''}`;
  }

  private variable(key: string): string | undefined {
    return this.variables.findLast((v) => v.key === key)?.value;
  }

  private expand = (text: string) => expandRunnerValue(text, this.variables);

  private flag(name: string, fallback: boolean): boolean {
    return featureFlagOn(name, (key) => this.variable(key), this.input.runner.featureFlags, fallback);
  }

  private gitStrategy(): string {
    return gitStrategy((key) => this.variable(key));
  }

  private labels(type: ResourceType, extra: Record<string, string> = {}): Record<string, string> {
    const { job, prepare, runner } = this.input;
    return {
      [LABELS.managed]: 'true',
      [LABELS.type]: type,
      [LABELS.pipelineId]: String(prepare.pipelineId),
      [LABELS.jobId]: String(prepare.jobId),
      [LABELS.jobName]: job.name,
      [LABELS.jobSha]: this.variable('CI_COMMIT_SHA') ?? '',
      [LABELS.jobRef]: this.variable('CI_COMMIT_REF_NAME') ?? '',
      [LABELS.project]: this.projectPath,
      [LABELS.projectDir]: prepare.sourceDir,
      [LABELS.runner]: runner.name,
      [LABELS.pid]: String(process.pid),
      ...this.input.docker.containerLabels,
      ...extra,
    };
  }

  /** One pull context per job: the "no config.toml" notice once, and an image resolved once is reused. */
  private pullContext(): PullContext {
    const { client, docker, runner, env, log, signal } = this.input;
    this.pulls ??= { client, settings: docker, variables: this.variables, runnerEnvironment: runner.environment, env, log, signal, session: createPullSession() };
    return this.pulls;
  }

  /** Resolves one image, reporting pull progress as structured events too (`job_progress` in --json). */
  private resolve(request: ImageRequest): Promise<ImageFacts> {
    const { io } = this.input;
    const onProgress = (p: PullProgress) =>
      io.progress?.({ kind: 'pull', image: request.name, status: p.status, ...(p.id ? { layer: p.id } : {}), ...(p.progress ? { detail: p.progress } : {}) });
    return resolveImage(request, { ...this.pullContext(), onProgress });
  }

  async run(): Promise<PreparedJob> {
    const { job, docker, log } = this.input;
    const imageName = this.expand(job.image?.name ?? docker.image ?? '');
    if (imageName === '') {
      throw new ExecutorError('DOCKER_NO_IMAGE', 'no Docker image specified to run the build in', 'give the job an image: (or default: image:), or set image in [runners.docker] of config.toml');
    }
    log('print', `Using Docker executor with image ${imageName} ...`);
    const platform = job.image?.docker?.platform;
    const image = await this.resolve(
      { name: imageName, kind: 'image', internal: job.image === null, ...(job.image?.pullPolicy ? { pullPolicy: job.image.pullPolicy } : {}), ...(platform ? { platform } : {}) },
    );
    this.checkAborted();
    const requests = serviceRequests(docker.services, job.services, this.expand);
    if (docker.servicesLimit >= 0 && requests.length > docker.servicesLimit) {
      throw new ExecutorError('DOCKER_TOO_MANY_SERVICES', `too many services requested: ${requests.length}, only ${docker.servicesLimit} allowed`, 'raise services_limit in [runners.docker]');
    }
    const network = await this.createNetwork(requests.length > 0);
    const volumes = await this.createVolumes();
    const binds = volumes.map((v) => v.bind);
    this.warnAboutHostAccess(binds);
    const services = await this.startServices(requests, network, binds, image);
    const container = await this.createBuildContainer(image, imageName, network, binds, services);
    const user = docker.user ?? job.image?.docker?.user ?? image.user;
    const owner = await resolveOwner(this.input.client, container, user);
    const tmpDir = `${this.projectDir}.tmp`;
    const getSources = (signal: AbortSignal) => this.getSources(container, owner, signal);
    return { buildContainer: container, projectDir: this.projectDir, buildsDir: this.buildsDir, tmpDir, owner, getSources };
  }

  /**
   * A service image's own VOLUMEs (dind's /var/lib/docker) become volumes of the job — labelled, so a
   * crashed run's are found by `glci clean`, and removed with the job — instead of anonymous ones.
   */
  private async declaredVolumes(image: ImageFacts, position: number, binds: string[]): Promise<string[]> {
    const { client, resources } = this.input;
    const taken = new Set(binds.map((b) => (b.split(':')[1] ?? '').replace(/\/+$/, '')));
    const extra: string[] = [];
    for (const path of image.volumes.map((p) => p.replace(/\/+$/, ''))) {
      if (taken.has(path)) continue;
      const name = `${this.base}-svc${position}-${md5Hex(path)}`;
      await client.createVolume(name, this.labels('builds', { [LABELS.destination]: path, [LABELS.reusable]: 'false' }));
      resources.volumes.push(name);
      extra.push(`${name}:${path}`);
    }
    return extra;
  }

  /** Socket binding gives the job the host's engine: say so, once, as GitLab's docs do. */
  private warnAboutHostAccess(binds: string[]): void {
    const socket = binds.find((bind) => (bind.split(':')[1] ?? '').endsWith('/docker.sock'));
    if (socket) {
      this.input.log('warn', `This job has access to the host's Docker engine (${socket.split(':')[0]} is mounted by [runners.docker] volumes): what it starts runs on the host and outlives the job unless it removes it`);
    }
  }

  private checkAborted(): void {
    if (this.input.signal.aborted) throw new ExecutorError('DOCKER_PREPARE_CANCELED', 'preparation of the docker environment was canceled');
  }

  /** The per-build network (FF_NETWORK_PER_BUILD, glci's default) when the job has services to reach. */
  private async createNetwork(hasServices: boolean): Promise<NetworkPlan> {
    const { docker, client, resources } = this.input;
    if (docker.networkMode) return { mode: docker.networkMode, userDefined: !['bridge', 'host', 'none', 'default'].includes(docker.networkMode) && !docker.networkMode.startsWith('container:') };
    if (!hasServices || !this.flag('FF_NETWORK_PER_BUILD', true)) return { mode: 'bridge', userDefined: false };
    const name = rfc1123(`${this.base}-network`);
    await client.createNetwork(name, this.labels('build'));
    resources.networks.push(name);
    return { mode: name, userDefined: true };
  }

  private async createVolumes(): Promise<PlannedVolume[]> {
    const { docker, runner, client, resources, prepare } = this.input;
    // Stands in for GitLab's hash of runner token, system id and project id: the runner entry and the checkout.
    const prefix = `runner-${md5Hex(`${runner.name}-${runner.token}-${this.projectPath}-${prepare.sourceDir}-${this.input.slot}`)}`;
    const planned = planVolumes({
      volumes: docker.volumes,
      cacheVolumePrefix: prefix,
      jobBase: this.base,
      disableCache: docker.disableCache,
      ...(docker.cacheDir ? { cacheDir: docker.cacheDir } : {}),
      projectDir: this.projectDir,
      expand: this.expand,
    });
    if (!coveredBy(planned, this.buildsDir)) {
      const name = `${this.base}-builds`;
      planned.push({ create: { name, persistent: false, destination: this.buildsDir }, bind: `${name}:${this.buildsDir}`, destination: this.buildsDir });
    }
    for (const volume of planned) {
      if (!volume.create) continue;
      const { name, persistent, destination } = volume.create;
      if (persistent && (await client.volumeExists(name))) continue;
      await client.createVolume(name, this.labels(persistent ? 'cache' : 'builds', { [LABELS.destination]: destination, [LABELS.reusable]: String(persistent) }));
      if (!persistent) resources.volumes.push(name);
    }
    return planned;
  }

  private async startServices(requests: ReturnType<typeof serviceRequests>, network: NetworkPlan, binds: string[], image: ImageFacts): Promise<StartedService[]> {
    if (requests.length === 0) return [];
    const { client, docker, log, resources, signal } = this.input;
    const { services, warnings } = planServices(requests);
    for (const warning of warnings) log('warn', warning);
    const variables = new Map(this.variables.map((v) => [v.key, v.value]));
    for (const problem of dindProblems({ variables, services, settings: docker, binds })) log('warn', `Docker-in-Docker: ${problem}`);
    // One after another, as GitLab Runner pulls them: their log lines stay readable.
    const images: ImageFacts[] = [];
    for (const s of services) images.push(await this.resolve(serviceImageRequest(s)));
    this.checkAborted();
    const publicEnv = servicePublicVariables(this.variables).map((v) => `${v.key}=${v.value}`);
    const started = await Promise.all(
      services.map((service, i) => {
        log('print', `Starting service ${service.service}${service.version.startsWith('@') ? '' : ':'}${service.version} ...`);
        return startService(
          {
            client,
            settings: docker,
            base: this.base,
            network,
            binds,
            publicEnv,
            labels: (s) => this.labels('service', { [LABELS.service]: s.service, [LABELS.serviceVersion]: s.version }),
            privileged: (s) => privilegeFor((docker.servicesPrivileged ?? docker.privileged) && privilegedAllowed(s.image, docker.allowedPrivilegedServices), docker),
            imageOf: () => (images[i] as ImageFacts).id,
            extraBinds: (_, position) => this.declaredVolumes(images[i] as ImageFacts, position, binds),
            track: (id) => resources.containers.push(id),
            imageMatches,
          },
          service,
          i,
        );
      }),
    ).catch((error: unknown) => {
      const message = engineMessage(error);
      throw new ExecutorError('DOCKER_SERVICE_START', `cannot start a service on ${client.address}: ${message}`, runFailureHint(message), { cause: error });
    });
    if (this.flag('CI_DEBUG_SERVICES', false)) followServiceLogs(client, started, this.input.io, resources.followers.signal);
    const timeout = docker.waitForServicesTimeout === 0 ? DEFAULT_SERVICE_WAIT_SECONDS : docker.waitForServicesTimeout;
    if (timeout > 0) {
      log('print', `Waiting for services to be up and running (timeout ${timeout} seconds)...`);
      await waitForServices(
        {
          client,
          probeImage: image.id,
          probeName: (s) => `${s.containerName}-wait-for-service`,
          labels: (s) => this.labels('wait', { [LABELS.service]: s.containerName }),
          track: (id) => resources.containers.push(id),
          write: (text) => this.input.io.output(Buffer.from(text)),
        },
        started,
        timeout,
        signal,
      );
    }
    this.checkAborted();
    return started;
  }

  private async createBuildContainer(image: ImageFacts, imageName: string, network: NetworkPlan, binds: string[], services: StartedService[]): Promise<string> {
    const { client, docker, job, resources, log } = this.input;
    if (docker.disableEntrypointOverwrite && job.image?.entrypoint) log('warn', 'Entrypoint override disabled');
    const entrypoint = docker.disableEntrypointOverwrite ? undefined : job.image?.entrypoint;
    const extraHosts = [...docker.extraHosts, ...(network.userDefined ? [] : await legacyLinks(client, services))];
    const privileged = privilegeFor(docker.privileged && privilegedAllowed(imageName, docker.allowedPrivilegedImages), docker);
    const user = docker.user ?? job.image?.docker?.user;
    const jobUser = docker.user === undefined ? job.image?.docker?.user : undefined;
    // allowed_users limits what a job may ask for (image:docker:user); the runner's own `user` is trusted.
    if (jobUser && docker.allowedUsers.length > 0 && !docker.allowedUsers.includes(jobUser)) {
      throw new ExecutorError('DOCKER_USER_NOT_ALLOWED', `the job asks to run as user "${jobUser}", which is not in allowed_users (${docker.allowedUsers.join(', ')})`, 'add the user to allowed_users in [runners.docker], or drop image:docker:user');
    }
    const tmpDir = `${this.projectDir}.tmp`;
    const env = [
      ...this.variables.map((v) => `${v.key}=${v.file ? `${tmpDir}/${v.key}` : v.value}`),
      `CI_PROJECT_DIR=${this.projectDir}`,
      `CI_BUILDS_DIR=${this.buildsDir}`,
      ...(network.userDefined && !docker.networkMode ? [`CI_BUILD_NETWORK_NAME=${network.mode}`] : []),
    ];
    const name = `${this.base}-build`;
    try {
      const id = await client.createContainer(
        buildContainerSpec({
          name,
          image: image.id,
          env,
          labels: this.labels('build'),
          binds,
          network,
          privileged,
          settings: docker,
          ...(entrypoint !== undefined ? { entrypoint } : {}),
          ...(user ? { user } : {}),
          hostname: docker.hostname ?? this.base,
          extraHosts,
          // image:docker:platform picks the variant of a multi-platform image (a `platform` query parameter).
          ...(job.image?.docker?.platform ? { platform: job.image.docker.platform } : {}),
        }),
      );
      resources.containers.push(id);
      return id;
    } catch (error) {
      throw new ExecutorError('DOCKER_CREATE', `cannot create the build container from ${imageName} on ${client.address}: ${engineMessage(error)}`, privileged ? privilegedHint() : undefined, { cause: error });
    }
  }

  /** get_sources as GitLab's fetch + checkout would leave it, delivered as one tar stream (no git needed in the image). */
  private getSources(container: string, owner: Owner, signal: AbortSignal): Promise<void> {
    const { client, log, prepare } = this.input;
    return deliverSources({ put: (tar) => client.putArchive(container, '/', tar), owner, signal, log, prepare, projectDir: this.projectDir, strategy: this.gitStrategy(), variable: (key) => this.variable(key) });
  }
}

function privilegedHint(): string {
  return privilegedRefusalHint();
}
