// Which keys each kind of job accepts, and how a top-level key is classified.
// Spec §2.1, §5.0 (entry/root.rb, jobs.rb, job.rb, bridge.rb, processable.rb, hidden.rb).
import { isMapping } from './shapes.js';

/** Global keys that are never jobs. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  'include', 'before_script', 'image', 'services', 'after_script', 'variables', 'stages', 'cache',
]);
/** Global keys that become a job only when their value looks like one. */
export const GLOBAL_NON_RESERVED: ReadonlySet<string> = new Set(['default', 'workflow']);

const PROCESSABLE_KEYS = [
  'extends', 'stage', 'only', 'except', 'rules', 'variables', 'inherit', 'allow_failure', 'when', 'needs',
  'resource_group', 'environment', 'interruptible',
];

export const JOB_KEYS: ReadonlySet<string> = new Set([
  ...PROCESSABLE_KEYS,
  'after_script', 'artifacts', 'before_script', 'cache', 'coverage', 'dependencies', 'hooks', 'id_tokens', 'image',
  'manual_confirmation', 'pages', 'parallel', 'publish', 'release', 'retry', 'run', 'script', 'services',
  'start_in', 'tags', 'timeout', 'secrets', 'dast_configuration', 'identity',
]);

export const BRIDGE_KEYS: ReadonlySet<string> = new Set([...PROCESSABLE_KEYS, 'trigger', 'parallel']);

export type JobKind = 'job' | 'bridge';

export type Classification =
  | { type: 'hidden' }
  | { type: 'job'; kind: JobKind }
  | { type: 'global' }
  | { type: 'invalid' };

/** GitLab's order: hidden (`.name`), job (`script`/`run`), trigger job (`trigger`/`needs`). */
export function classify(name: string, value: unknown): Classification {
  if (RESERVED_KEYS.has(name)) return { type: 'global' };
  if (name.startsWith('.')) return { type: 'hidden' };
  const kind = jobKind(value);
  if (kind) return { type: 'job', kind };
  return GLOBAL_NON_RESERVED.has(name) ? { type: 'global' } : { type: 'invalid' };
}

function jobKind(value: unknown): JobKind | null {
  if (!isMapping(value)) return null;
  if ('script' in value || 'run' in value) return 'job';
  if ('trigger' in value || 'needs' in value) return 'bridge';
  return null;
}
