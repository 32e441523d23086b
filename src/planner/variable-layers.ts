// The variable layers of a job, as JobVariable lists (spec §7.1). The planner merges them in GitLab's
// source build order, later layers overriding earlier ones:
//   job predefined → pipeline predefined → global YAML (after workflow:rules:variables and
//   inherit:variables) → job YAML → parallel:matrix → rules:variables → user ("project") variables.
// Matrix values are job variables by the time rules run (GitLab's normalizer merges them into the job's
// `variables`), and the matching rule's `variables` are merged over the job's, so rules win over matrix.
import type { VariableMap } from '../model/config.js';
import type { JobVariable, PipelineContext } from '../model/plan.js';

/** `variables:` written in YAML: public (passed to services too); `expand: false` makes them raw. */
export function yamlVariables(map: VariableMap): JobVariable[] {
  return Object.entries(map).map(([key, def]) => ({
    key,
    value: def.value,
    public: true,
    masked: def.masked ?? false,
    file: def.file ?? false,
    raw: !def.expand,
  }));
}

/** Plain name → value pairs (predefined values, matrix values, rules:variables): public, expandable. */
export function plainVariables(record: Readonly<Record<string, string>>): JobVariable[] {
  return Object.entries(record).map(([key, value]) => ({
    key,
    value,
    public: true,
    masked: false,
    file: false,
    raw: false,
  }));
}

/** Variables the user supplied: GitLab's project-variable slot, not public, flags kept. */
export function userVariables(user: PipelineContext['userVariables']): JobVariable[] {
  return Object.entries(user).map(([key, v]) => ({
    key,
    value: v.value,
    public: false,
    masked: v.masked ?? false,
    file: v.file ?? false,
    raw: false,
  }));
}

/** `inherit:variables`: all global variables (true), none (false), or only the listed names. */
export function inheritGlobals(globals: readonly JobVariable[], inherit: boolean | string[]): JobVariable[] {
  if (inherit === true) return [...globals];
  if (inherit === false) return [];
  const wanted = new Set(inherit);
  return globals.filter((v) => wanted.has(v.key));
}

/** Name → value, the last definition of a name winning. */
export function valueMap(variables: readonly JobVariable[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const v of variables) map.set(v.key, v.value);
  return map;
}
