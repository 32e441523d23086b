// The effective runner settings as `glci config show` prints them: TOML key names (what users edit),
// TOML-like values, and where each value came from. Driven by `origins`, so every setting the
// parser reads is listed without a second list of keys to keep in step.
import type { RunnerConfig, RunnerSettings, SettingOrigin } from '../model/runner.js';
import { joinKey } from './toml-positions.js';

const MARKERS: Record<SettingOrigin, string> = {
  file: '(from config.toml)',
  default: '(default)',
  'glci-default': '(glci default)',
};

const MAX_ALIGNED = 48;
const LEGEND = 'origins: (from config.toml) set in the file · (default) GitLab Runner\'s default · (glci default) glci\'s own default';

/** `glrt-t1_AbCd…`: enough to tell runners apart, not enough to use the token. */
export function redactToken(token: string): string {
  if (token === '') return '';
  return token.length > 12 ? `${token.slice(0, 8)}…` : '[REDACTED]';
}

const hidden = (secret: string) => (secret === '' ? '' : '[REDACTED]');

/** The configuration with runner (and kubernetes bearer) tokens shortened, for printing. */
export function redactRunnerConfig(config: RunnerConfig): RunnerConfig {
  // The kubernetes bearer token grants cluster access just as the runner token grants GitLab access.
  const runners = config.runners.map((r): RunnerSettings => ({
    ...r,
    token: redactToken(r.token),
    ...(r.kubernetes?.bearerToken ? { kubernetes: { ...r.kubernetes, bearerToken: redactToken(r.kubernetes.bearerToken) } } : {}),
    // The S3 secret signs any request on the bucket: none of it is shown.
    ...(r.cache?.s3 ? { cache: { ...r.cache, s3: { ...r.cache.s3, secretKey: hidden(r.cache.s3.secretKey), sessionToken: hidden(r.cache.s3.sessionToken) } } } : {}),
  }));
  return { ...config, runners };
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function isKeyValue(value: unknown): value is { key: string; value: string } {
  return typeof value === 'object' && value !== null && Object.keys(value).join() === 'key,value';
}

/**
 * TOML-like text of a setting. Tables of the user's own keys (feature_flags, tmpfs, labels) keep them
 * as written; model records (services) show their fields under TOML names.
 */
export function formatValue(value: unknown, record = false): string {
  if (value === undefined) return 'unset';
  if (isKeyValue(value)) return JSON.stringify(`${value.key}=${value.value}`);
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v, true)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && !(record && Array.isArray(v) && v.length === 0));
    const key = (k: string) => joinKey('', record ? snake(k) : k);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${key(k)} = ${formatValue(v)}`).join(', ')} }`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The value at a model path such as `runners[0].docker.pullPolicy`. */
function valueAt(config: RunnerConfig, path: string): unknown {
  let current: unknown = config;
  for (const segment of path.split('.')) {
    const match = /^([^[]+)(?:\[(\d+)\])?$/.exec(segment);
    if (!match || typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[match[1]!];
    if (match[2] !== undefined) current = Array.isArray(current) ? current[Number(match[2])] : undefined;
  }
  return current;
}

interface Line {
  indent: string;
  text: string;
  origin?: SettingOrigin;
}

/**
 * The TOML key of a model path inside its table. Kubernetes resources are grouped per container class
 * in the model (`helper.cpuLimit`, `serviceOverwriteMax.memoryRequest`) but flat keys in the file.
 */
function tomlKey(key: string): string {
  const group = /^(build|helper|service|pod)(OverwriteMax)?\.([A-Za-z]+)$/.exec(key);
  if (!group) return key === 'terminationGracePeriodSeconds' ? 'pod_termination_grace_period_seconds' : snake(key);
  const [, kind, max, field] = group;
  return `${kind === 'build' ? '' : `${kind}_`}${snake(field!)}${max ? '_overwrite_max_allowed' : ''}`;
}

function settingLines(config: RunnerConfig): Line[] {
  const lines: Line[] = [];
  let group = '';
  for (const [path, origin] of Object.entries(config.origins)) {
    const parts = /^(?:runners\[(\d+)\]\.)?(?:(docker|kubernetes)\.)?([A-Za-z]+(?:\.[A-Za-z]+)?)$/.exec(path);
    if (!parts) continue;
    const [, runner, table, key] = parts;
    // The tables themselves: their keys are listed.
    if (table === undefined && (runner === undefined ? key === 'runners' : key === 'docker' || key === 'kubernetes')) continue;
    // Only the kubernetes resource groups have two-segment keys.
    if (key!.includes('.') && table !== 'kubernetes') continue;
    const current = runner === undefined ? '' : `${runner}${table ?? ''}`;
    if (current !== group) {
      group = current;
      lines.push(...groupHeader(config, Number(runner), table));
    }
    const indent = runner === undefined ? '' : table === undefined ? '  ' : '    ';
    lines.push({ indent, text: `${tomlKey(key!)} = ${formatValue(valueAt(config, path))}`, origin });
  }
  return lines;
}

function groupHeader(config: RunnerConfig, index: number, table: string | undefined): Line[] {
  if (table) return [{ indent: '  ', text: `[runners.${table}]` }];
  const runner = config.runners[index];
  const which = runner && runner.index > 0 ? `#${runner.index}` : '(built in)';
  return [{ indent: '', text: '' }, { indent: '', text: `[[runners]] ${which} ${JSON.stringify(runner?.name ?? '')}` }];
}

/** Plain-text listing of every setting with its origin marker. `lookedAt`: the path tried when there is no file. */
export function describeRunnerConfig(config: RunnerConfig, lookedAt?: string): string {
  const head = config.file === null
    ? `no config file${lookedAt ? ` (${lookedAt} does not exist)` : ''}: one docker runner with defaults`
    : `config file: ${config.file}`;
  const lines = settingLines(config);
  // Markers line up; the odd long value (a volume list) pushes only its own marker right.
  const lengths = lines.filter((l) => l.origin).map((l) => l.indent.length + l.text.length);
  const width = Math.max(0, ...lengths.filter((n) => n <= MAX_ALIGNED));
  const body = lines.map((l) => {
    const text = `${l.indent}${l.text}`;
    return l.origin ? `${text.padEnd(width)}  ${MARKERS[l.origin]}` : text;
  });
  const ignored = config.ignored ?? [];
  const tail = ignored.length > 0 ? ['', `accepted but not used by glci: ${ignored.join(', ')}`] : [];
  return [head, LEGEND, '', ...body, ...tail].join('\n');
}
