// `[runners.docker]` → DockerSettings, with GitLab Runner's defaults for every unset key
// (runner-behavior.md §9.3, §3.1; https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runnersdocker-section).
import type { PullPolicy } from '../model/config.js';
import type { ConfigService, DockerSettings } from '../model/runner.js';
import { DOCKER_SCHEMA, SERVICE_SCHEMA } from './schema.js';
import { Section, describeValue } from './section.js';
import { joinIndex } from './toml-positions.js';

export const PULL_POLICIES: readonly PullPolicy[] = ['always', 'if-not-present', 'never'];

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
    services: readServices(section),
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

/** One policy list: `pull_policy` may be a string or an array, `allowed_pull_policies` only an array. */
function readPolicyList(s: Section, key: string, allowString: boolean): PullPolicy[] | undefined {
  const expected = allowString ? 'a string or an array of strings' : 'an array of strings';
  const list = s.read(key, expected, (v) => {
    if (allowString && typeof v === 'string') return [v];
    return Array.isArray(v) && v.every((e) => typeof e === 'string') ? (v as string[]) : undefined;
  });
  if (list === undefined || list.length === 0) return undefined;
  const path = s.keyPath(key);
  const policies: PullPolicy[] = [];
  list.forEach((value, i) => {
    const policy = PULL_POLICIES.find((p) => p === value);
    if (policy) policies.push(policy);
    // GitLab Runner's own wording (common/config.go), then where and what is allowed.
    else s.error(Array.isArray(s.table[key]) ? joinIndex(path, i) : path, `unsupported ${key} config: ${JSON.stringify(value)} (${path} takes ${PULL_POLICIES.join(', ')})`);
  });
  return policies;
}

function readPullPolicies(s: Section): Pick<DockerSettings, 'pullPolicy' | 'pullPolicyOrigin' | 'allowedPullPolicies'> {
  const configured = readPolicyList(s, 'pull_policy', true);
  // GitLab Runner's defaults: pull `always`; a job may ask only for policies in pull_policy.
  const pullPolicy = configured ?? ['always'];
  const allowed = readPolicyList(s, 'allowed_pull_policies', false);
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

function readServices(s: Section): ConfigService[] {
  const sections = s.tables('services', 'write [[runners.docker.services]]');
  return sections.map((service) => {
    // Each entry's keys come from the file; `origins` keeps one entry for the whole list.
    const entry = new Section({ ...service.ctx, origins: {} }, service.table, service.path, service.modelPath);
    entry.checkKeys(SERVICE_SCHEMA);
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
