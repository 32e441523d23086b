// `[runners.docker]` → DockerSettings, with GitLab Runner's defaults for every unset key
// (runner-behavior.md §9.3, §3.1; https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runnersdocker-section).
import type { ConfigService, DockerSettings } from '../model/runner.js';
import { DOCKER_SCHEMA, SERVICE_SCHEMA, type TableSchema } from './schema.js';
import { PULL_POLICIES, Section, describeValue, readPullPolicyList } from './section.js';
import { joinIndex } from './toml-positions.js';

export { PULL_POLICIES };

// Docker's RAMInBytes and Go's big.Rat, which GitLab Runner parses `memory` and `cpus` with.
const MEMORY = /^\d+(\.\d+)? ?[kmgtp]?i?b?$/i;
const CPUS = /^(\d+(\.\d+)?|\.\d+|\d+\/\d+)$/;

export function readDocker(section: Section): DockerSettings {
  section.checkKeys(DOCKER_SCHEMA);
  return {
    ...readConnection(section),
    ...readSecurity(section),
    ...readStorage(section),
    ...readContainer(section),
    ...readPullPolicies(section),
    ...readAllowlists(section),
    services: readServices(section, '[[runners.docker.services]]'),
  };
}

function readConnection(s: Section) {
  return {
    host: s.string('host'),
    tlsVerify: s.boolean('tls_verify', false),
    tlsCertPath: s.string('tls_cert_path'),
    image: s.string('image'),
    hostname: s.string('hostname'),
    user: s.string('user'),
    networkMode: s.string('network_mode'),
    dns: s.strings('dns'),
    dnsSearch: s.strings('dns_search'),
    extraHosts: s.strings('extra_hosts'),
  };
}

function readSecurity(s: Section) {
  return {
    privileged: s.boolean('privileged', false),
    privilegedFallback: s.boolean('privileged_fallback', false),
    servicesPrivileged: s.optionalBoolean('services_privileged'),
    capAdd: s.strings('cap_add'),
    capDrop: s.strings('cap_drop'),
    securityOpt: s.strings('security_opt'),
    servicesSecurityOpt: s.strings('services_security_opt'),
    devices: s.strings('devices'),
    servicesDevices: s.stringsMap('services_devices'),
    oomKillDisable: s.boolean('oom_kill_disable', false),
  };
}

function readStorage(s: Section) {
  const shmSize = s.integer('shm_size', 0);
  if (shmSize < 0) s.error(s.keyPath('shm_size'), `${s.keyPath('shm_size')} must be a size in bytes (0: Docker's default), not ${shmSize}`);
  return {
    volumes: s.strings('volumes'),
    tmpfs: s.stringMap('tmpfs'),
    servicesTmpfs: s.stringMap('services_tmpfs'),
    cacheDir: s.string('cache_dir'),
    disableCache: s.boolean('disable_cache', false),
    shmSize,
  };
}

function readContainer(s: Section) {
  const memory = s.string('memory');
  if (memory !== undefined && !MEMORY.test(memory)) {
    s.error(s.keyPath('memory'), `${s.keyPath('memory')} must be a size such as "512m" or "2g", not ${describeValue(memory)}`);
  }
  const cpus = s.string('cpus');
  if (cpus !== undefined && !CPUS.test(cpus)) {
    s.error(s.keyPath('cpus'), `${s.keyPath('cpus')} must be a number of CPUs such as "1.5", not ${describeValue(cpus)}`);
  }
  const helperImage = s.string('helper_image');
  if (helperImage !== undefined) s.warn(s.keyPath('helper_image'), 'helper_image is ignored: glci needs no helper image');
  return {
    memory,
    cpus,
    containerLabels: s.stringMap('container_labels'),
    disableEntrypointOverwrite: s.boolean('disable_entrypoint_overwrite', false),
    servicesLimit: s.integer('services_limit', -1),
    waitForServicesTimeout: s.integer('wait_for_services_timeout', 0),
    helperImage,
  };
}

function readPullPolicies(s: Section): Pick<DockerSettings, 'pullPolicy' | 'pullPolicyOrigin' | 'allowedPullPolicies'> {
  const configured = readPullPolicyList(s, 'pull_policy', true);
  // GitLab Runner's defaults: pull `always`; a job may ask only for policies in pull_policy.
  const pullPolicy = configured ?? ['always'];
  const allowed = readPullPolicyList(s, 'allowed_pull_policies', false);
  s.setOrigin('pull_policy', configured ? 'file' : 'default');
  s.setOrigin('allowed_pull_policies', allowed ? 'file' : 'default');
  return { pullPolicy, pullPolicyOrigin: configured ? 'file' : 'default', allowedPullPolicies: allowed ?? [...pullPolicy] };
}

function readAllowlists(s: Section) {
  return {
    allowedImages: s.strings('allowed_images'),
    allowedServices: s.strings('allowed_services'),
    allowedPrivilegedImages: s.strings('allowed_privileged_images'),
    allowedPrivilegedServices: s.strings('allowed_privileged_services'),
    allowedUsers: s.strings('allowed_users'),
  };
}

/** `[[runners.docker.services]]` and `[[runners.kubernetes.services]]`: the same GitLab Runner type. */
export function readServices(s: Section, table: string, schema: TableSchema = SERVICE_SCHEMA): ConfigService[] {
  const sections = s.tables('services', `write ${table}`);
  return sections.map((service) => {
    // Each entry's keys come from the file; `origins` keeps one entry for the whole list.
    const entry = new Section({ ...service.ctx, origins: {} }, service.table, service.path, service.modelPath);
    entry.checkKeys(schema);
    const name = entry.string('name');
    if (name === undefined) entry.error(entry.path, `${entry.path} needs a name (the service image)`);
    return {
      name: name ?? '',
      aliases: (entry.string('alias') ?? '').split(/[\s,]+/).filter((a) => a !== ''),
      command: entry.strings('command'),
      entrypoint: entry.strings('entrypoint'),
      environment: readEnvironment(entry, 'environment'),
    };
  });
}

/**
 * `environment = ["KEY=value"]`, split at the first `=`. GitLab Runner drops an entry without `=`
 * silently (ParseVariable fails); glci drops it too, but says so.
 */
export function readEnvironment(s: Section, key: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  s.strings(key).forEach((entry, i) => {
    const eq = entry.indexOf('=');
    if (eq > 0) out.push({ key: entry.slice(0, eq), value: entry.slice(eq + 1) });
    else s.warn(joinIndex(s.keyPath(key), i), `${joinIndex(s.keyPath(key), i)} ${JSON.stringify(entry)} is not KEY=VALUE: ignored, as GitLab Runner does`);
  });
  return out;
}
