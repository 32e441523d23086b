// Which jobs `glci hook run` runs: the named jobs (`--jobs`) and the jobs of a stage (`--stage`); with
// neither, the `test` stage, GitLab's default stage for jobs and where checks usually live (build and
// deploy jobs are slow or have effects a commit should not trigger). Only jobs that would start count:
// a stage's manual and on_failure jobs are left out (nothing failed, nobody plays them); a named
// manual job runs, as with `glci run JOB`.
import type { Plan, PlannedJob } from '../model/plan.js';
import { UsageError } from '../errors.js';

export const DEFAULT_HOOK_STAGE = 'test';

export interface HookSelection {
  jobs: readonly string[];
  /** Absent with no jobs: DEFAULT_HOOK_STAGE. */
  stage?: string;
}

export interface SelectedJobs {
  /** Concrete names of the jobs to run; empty when none would run. */
  names: string[];
  /** What was selected, for messages: `stage "test"`, `jobs lint, unit`. */
  description: string;
  /** Why nothing runs, when `names` is empty and it is not just rules. */
  note?: string;
}

/** `a,b` → [a, b]; commas inside `[...]` belong to matrix names (`deploy: [aws, eu]`). */
export function parseJobList(values: readonly string[]): string[] {
  const names: string[] = [];
  for (const value of values) {
    let depth = 0;
    let current = '';
    for (const char of value) {
      if (char === '[') depth += 1;
      if (char === ']') depth = Math.max(0, depth - 1);
      if (char === ',' && depth === 0) {
        names.push(current.trim());
        current = '';
      } else current += char;
    }
    names.push(current.trim());
  }
  return names.filter((n) => n !== '');
}

const wouldStart = (job: PlannedJob) => job.when !== 'manual' && job.when !== 'on_failure';

function namedJobs(plan: Plan, definitions: ReadonlySet<string>, names: readonly string[]): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (const name of names) {
    const matches = plan.jobs.filter((j) => j.name === name || j.baseName === name);
    // Excluded by rules for this change: not an error, the hook has nothing to do for it.
    if (matches.length === 0 && !definitions.has(name) && !plan.excluded.some((e) => e.name === name)) {
      throw new UsageError(`no job named "${name}" in the pipeline`, `jobs: ${[...definitions].join(', ')}`);
    }
    jobs.push(...matches.filter((j) => j.when !== 'on_failure'));
  }
  return jobs;
}

/** `stages` are the configuration's (`stages:`), `definitions` its visible job names. */
export function selectHookJobs(plan: Plan, stages: readonly string[], definitions: ReadonlySet<string>, selection: HookSelection): SelectedJobs {
  const stage = selection.stage ?? (selection.jobs.length === 0 ? DEFAULT_HOOK_STAGE : undefined);
  const parts = [...(selection.jobs.length > 0 ? [`jobs ${selection.jobs.join(', ')}`] : []), ...(stage ? [`stage "${stage}"`] : [])];
  const description = parts.join(' and ');
  let note: string | undefined;
  if (stage && !stages.includes(stage)) {
    if (selection.stage) throw new UsageError(`the pipeline has no stage "${stage}"`, `stages: ${stages.join(', ')}`);
    note = `the pipeline has no stage "${stage}" (choose jobs with glci hook install --jobs or --stage)`;
  }
  const selected = namedJobs(plan, definitions, selection.jobs);
  if (stage) selected.push(...plan.jobs.filter((j) => j.stage === stage && wouldStart(j)));
  const names = [...new Set(selected.map((j) => j.name))];
  return { names, description, ...(note && names.length === 0 ? { note } : {}) };
}
