// Pure translation of runner settings and a job into the engine's container create options, as GitLab
// Runner builds them (runner-behavior.md §1.3, §2.3, §4.4). Which options apply to services and which to
// the build container follows the runner: cap_add/cap_drop/security_opt/tmpfs/devices/user are build-only.
import type { DockerSettings } from '../../model/runner.js';
import type { ContainerSpec } from './client.js';
import { engineSecurityOptions, type FallbackHostConfig } from './privileged-fallback.js';
import { DETECT_SHELL_SCRIPT } from './stage-runner.js';

export interface NetworkPlan {
  /** Network mode: the per-build network, `network_mode`, or `bridge` (legacy). */
  mode: string;
  /** True when the mode is a user-defined network on which aliases resolve. */
  userDefined: boolean;
}

interface CommonSpec {
  name: string;
  image: string;
  env: string[];
  labels: Record<string, string>;
  binds: string[];
  network: NetworkPlan;
  /** `privileged = true` as asked, or the fallback set that stands in for it (`privileged_fallback`). */
  privileged: boolean | FallbackHostConfig;
  settings: DockerSettings;
}

export interface BuildContainerInput extends CommonSpec {
  /** `image:entrypoint`: `[]` or `[""]` clear it; undefined keeps the image's. */
  entrypoint?: string[];
  user?: string;
  hostname: string;
  /** `alias:ip` links of services (legacy network mode) plus `extra_hosts`. */
  extraHosts: string[];
  platform?: string;
}

export interface ServiceContainerInput extends CommonSpec {
  aliases: string[];
  command?: string[];
  entrypoint?: string[];
  tmpfs: Record<string, string>;
  securityOpt: string[];
  devices: string[];
}

/** `host[:container[:perms]]` → the engine's device mapping; perms default `rwm`. */
export function deviceMapping(device: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [host = '', container, perms] = device.split(':');
  return { PathOnHost: host, PathInContainer: container || host, CgroupPermissions: perms || 'rwm' };
}

function resources(settings: DockerSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (settings.shmSize > 0) out.ShmSize = settings.shmSize;
  if (settings.oomKillDisable) out.OomKillDisable = true;
  if (settings.cpus) out.NanoCpus = Math.round(Number(settings.cpus) * 1e9);
  if (settings.memory) out.Memory = parseMemory(settings.memory);
  return out;
}

/** Docker's memory strings: `512m`, `1g`, `1024` (bytes). */
export function parseMemory(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(text.trim());
  if (!match) return 0;
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * unit);
}

/** Privileged, or the fallback's capabilities, confinement options and binds merged with the configured ones. */
function privileges(input: CommonSpec, capAdd: string[], capDrop: string[], securityOpt: string[]): Record<string, unknown> {
  const fallback = typeof input.privileged === 'object' ? input.privileged : null;
  const add = fallback ? fallback.CapAdd : capAdd;
  const drop = fallback ? [...new Set([...fallback.CapDrop, ...capDrop])] : capDrop;
  const all = fallback ? [...new Set([...securityOpt, ...fallback.SecurityOpt])] : securityOpt;
  // `systempaths=unconfined` is the docker CLI's spelling; the Engine API takes empty masked and
  // read-only path lists instead (and rejects the option).
  const { SecurityOpt: opts, ...unmaskedPaths } = engineSecurityOptions(all);
  return {
    Privileged: input.privileged === true,
    Binds: fallback ? [...input.binds, ...fallback.Binds.filter((b) => !input.binds.includes(b))] : input.binds,
    ...(add.length > 0 ? { CapAdd: add } : {}),
    ...(drop.length > 0 ? { CapDrop: drop } : {}),
    ...(opts.length > 0 ? { SecurityOpt: opts } : {}),
    ...unmaskedPaths,
  };
}

function networking(input: CommonSpec, aliases: string[]): Pick<ContainerSpec, 'NetworkingConfig'> {
  if (!input.network.userDefined) return {};
  return { NetworkingConfig: { EndpointsConfig: { [input.network.mode]: { Aliases: aliases } } } };
}

function dnsOptions(settings: DockerSettings): Record<string, unknown> {
  return {
    ...(settings.dns.length > 0 ? { Dns: settings.dns } : {}),
    ...(settings.dnsSearch.length > 0 ? { DnsSearch: settings.dnsSearch } : {}),
  };
}

export function buildContainerSpec(input: BuildContainerInput): ContainerSpec {
  const { settings } = input;
  const entrypoint = input.entrypoint === undefined ? undefined : input.entrypoint.filter((part) => part !== '');
  return {
    name: input.name,
    Image: input.image,
    Cmd: ['sh', '-c', DETECT_SHELL_SCRIPT],
    ...(entrypoint !== undefined ? { Entrypoint: entrypoint.length > 0 ? entrypoint : [''] } : {}),
    Env: input.env,
    Labels: input.labels,
    Hostname: input.hostname.slice(0, 63),
    ...(input.user ? { User: input.user } : {}),
    Tty: false,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    ...(input.platform ? { platform: input.platform } : {}),
    HostConfig: {
      NetworkMode: input.network.mode,
      ...privileges(input, settings.capAdd, settings.capDrop, settings.securityOpt),
      ...(settings.devices.length > 0 ? { Devices: settings.devices.map(deviceMapping) } : {}),
      ...(Object.keys(settings.tmpfs).length > 0 ? { Tmpfs: settings.tmpfs } : {}),
      ...(input.extraHosts.length > 0 ? { ExtraHosts: input.extraHosts } : {}),
      ...dnsOptions(settings),
      ...resources(settings),
    },
    ...networking(input, ['build', input.name]),
  };
}

export function serviceContainerSpec(input: ServiceContainerInput): ContainerSpec {
  const { settings } = input;
  return {
    name: input.name,
    Image: input.image,
    ...(input.command && input.command.length > 0 ? { Cmd: input.command } : {}),
    ...(input.entrypoint && input.entrypoint.length > 0 ? { Entrypoint: input.entrypoint } : {}),
    Env: input.env,
    Labels: input.labels,
    HostConfig: {
      NetworkMode: input.network.mode,
      // Services get no cap_add/cap_drop (GitLab Runner applies those to the build container only).
      ...privileges(input, [], [], input.securityOpt),
      RestartPolicy: { Name: 'no' },
      ...(input.devices.length > 0 ? { Devices: input.devices.map(deviceMapping) } : {}),
      ...(Object.keys(input.tmpfs).length > 0 ? { Tmpfs: input.tmpfs } : {}),
      ...(settings.extraHosts.length > 0 ? { ExtraHosts: settings.extraHosts } : {}),
      ...dnsOptions(settings),
      ...resources(settings),
    },
    ...networking(input, input.aliases),
  };
}
