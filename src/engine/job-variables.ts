// The variables a job runs with: its planned variables plus the dotenv variables of the jobs it receives
// artifacts from (gitlab-ci-yaml.md §9.1: above YAML job/global and predefined variables, below
// user-given ones; later sources override earlier ones, as later artifact extractions do).
import type { JobVariable, PlannedJob } from '../model/plan.js';
import type { DotenvVariable } from './options.js';

export function effectiveVariables(
  job: PlannedJob,
  dotenvByJob: ReadonlyMap<string, readonly DotenvVariable[]>,
  userVariableKeys: ReadonlySet<string>,
): JobVariable[] {
  const received = new Map<string, string>();
  for (const source of job.artifactSources) {
    for (const { key, value } of dotenvByJob.get(source) ?? []) received.set(key, value);
  }
  for (const key of userVariableKeys) received.delete(key);
  if (received.size === 0) return job.variables;
  const kept = job.variables.filter((v) => !received.has(v.key));
  // Stored by GitLab as non-raw job variables of the producing job (§9.1).
  const added = [...received].map(([key, value]) => ({ key, value, public: true, masked: false, file: false, raw: false }));
  return [...kept, ...added];
}

/** Values the job's masker hides: every masked variable's value (runner-behavior.md §10.4). */
export function maskedValues(variables: readonly JobVariable[]): string[] {
  return variables.filter((v) => v.masked && v.value.trim() !== '').map((v) => v.value);
}
