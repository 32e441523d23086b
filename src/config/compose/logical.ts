// Checks across jobs, done after every job is composed (GitLab's yaml_processor.rb and
// yaml_processor/dag.rb; spec §0.1 step 9, §8.3). GitLab stops at the first of these, so they are
// made in its order — job by job: stage, dependencies, needs, on_stop, pages:publish; then cycles —
// and the first one glci lists is the one GitLab shows. Names refer to jobs before parallel
// expansion; a need on a parallel job names its base job.
import type { JobDefinition, NeedDefinition, SourceLocation } from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import { matrixSize, parallelJobNames } from './parallel.js';
import type { Problems } from './site.js';
import { findCycles, type NeedsCycle } from './cycles.js';

const MAX_NEED_NAME = 128;
const MAX_NEEDS = 50;

/** A composed job and the mapping it was read from (for locations). */
export interface ComposedJob {
  job: JobDefinition;
  source: RawMapping;
}

interface Lookup {
  stageIndex: Map<string, number>;
  /** Base job names and the names of their parallel instances → the base job. */
  jobs: Map<string, JobDefinition>;
}

export function validateLogic(composed: readonly ComposedJob[], stages: readonly string[], problems: Problems): void {
  const lookup: Lookup = {
    stageIndex: new Map(stages.map((stage, index) => [stage, index])),
    jobs: jobIndex(composed.map((c) => c.job)),
  };
  for (const entry of composed) {
    const at = (key: string, index?: number): SourceLocation => locateIn(problems, entry, key, index);
    checkStage(entry.job, stages, lookup, problems, at);
    checkDependencies(entry.job, lookup, problems, at);
    checkNeeds(entry.job, lookup, problems, at);
    checkOnStop(entry.job, lookup, problems, at);
    checkPagesPublish(entry, problems, at);
  }
  for (const cycle of findCycles(composed.map((c) => c.job))) {
    const detail = cycleDetail(cycle);
    const firstName = cycle.kind === 'self' ? cycle.job : cycle.jobs[0];
    const first = composed.find((c) => c.job.name === firstName);
    problems.error(`The pipeline has circular dependencies: ${detail}`, first ? locateIn(problems, first, 'needs') : null);
  }
}

/** TSort::Cyclic's message, as GitLab's Dag raises it. */
function cycleDetail(cycle: NeedsCycle): string {
  return cycle.kind === 'self' ? `self-dependency: ${cycle.job}` : `topological sort failed: ${rubyInspect(cycle.jobs)}`;
}

/** `validate_job_pages_publish!`: the deprecated job-level `publish` next to `pages:publish`. */
function checkPagesPublish(entry: ComposedJob, problems: Problems, at: Locator): void {
  const { pages, publish } = entry.source;
  if (!isPlainMapping(pages) || publish === undefined || publish === null || !('publish' in pages)) return;
  const name = entry.job.name;
  problems.error(`${name} job: use either ${name}:publish or ${name}:pages:publish`, at('publish'));
}

function isPlainMapping(value: unknown): value is RawMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jobIndex(jobs: readonly JobDefinition[]): Map<string, JobDefinition> {
  const index = new Map<string, JobDefinition>();
  for (const job of jobs) index.set(job.name, job);
  for (const job of jobs) {
    if (!job.parallel) continue;
    for (const instance of parallelJobNames(job.name, job.parallel)) if (!index.has(instance)) index.set(instance, job);
  }
  return index;
}

function checkStage(job: JobDefinition, stages: readonly string[], lookup: Lookup, problems: Problems, at: Locator): void {
  if (lookup.stageIndex.has(job.stage)) return;
  problems.error(
    `${job.name} job: chosen stage ${job.stage} does not exist; available stages are ${stages.join(', ')}`,
    at('stage'),
  );
}

type Locator = (key: string, index?: number) => SourceLocation;

function checkNeeds(job: JobDefinition, lookup: Lookup, problems: Problems, at: Locator): void {
  const ruleNeeds = (job.rules ?? []).flatMap((rule) => rule.needs ?? []);
  const lists: Array<[NeedDefinition[], string]> = [[job.needs ?? [], 'needs'], [ruleNeeds, 'rules']];
  for (const [needs, key] of lists) {
    const seen = new Set<string>();
    const duplicated: string[] = [];
    let expanded = 0;
    needs.forEach((need, index) => {
      if (need.pipeline !== undefined || need.project !== undefined) return;
      const where = key === 'needs' ? at(key, index) : at(key);
      expanded += checkNeed(job, need, lookup, problems, where);
      const identity = need.matrix ? `${need.job}\u0000${JSON.stringify(need.matrix)}` : need.job;
      if (seen.has(identity) && !duplicated.includes(need.job)) duplicated.push(need.job);
      seen.add(identity);
    });
    if (duplicated.length > 0) problems.error(`${job.name} has the following needs duplicated: ${duplicated.join(', ')}.`, at(key));
    if (expanded > MAX_NEEDS) {
      problems.error(
        `${job.name}: one job can only need ${MAX_NEEDS} others, but you have listed ${expanded}. See needs keyword documentation for more details`,
        at(key),
      );
    }
  }
}

/** Reports problems with one need; returns how many jobs it stands for after parallel expansion. */
function checkNeed(job: JobDefinition, need: NeedDefinition, lookup: Lookup, problems: Problems, where: SourceLocation): number {
  const target = lookup.jobs.get(need.job);
  if (!target) {
    if (!need.optional) problems.error(`${job.name} job: undefined need: ${need.job}`, where);
    return 1;
  }
  // GitLab's order for one need: undefined, name too long, later stage.
  const names = target.parallel && target.name === need.job ? parallelJobNames(target.name, target.parallel) : [need.job];
  const tooLong = names.find((name) => name.length > MAX_NEED_NAME);
  if (tooLong) {
    problems.error(`${job.name} job: need \`${tooLong}\` name is too long (maximum is ${MAX_NEED_NAME} characters)`, where);
  }
  if (!earlierOrSame(target.stage, job.stage, lookup)) {
    problems.error(`${job.name} job: need ${need.job} is not defined in current or prior stages`, where);
  }
  if (!need.matrix) return names.length;
  // Matrix expressions (`$[[ matrix.X ]]`, beta) take the needing job's own values: not checkable here.
  if (usesMatrixExpressions(need)) return matrixSize(need.matrix);
  // `needs:parallel:matrix` selects instances by value, identifiers in the needed job's order.
  const selected = parallelJobNames(need.job, { kind: 'matrix', matrix: need.matrix });
  const existing = new Set(names);
  for (const name of selected) {
    if (!existing.has(name) && !need.optional) problems.error(`${job.name} job: undefined need: ${name}`, where);
  }
  return matrixSize(need.matrix);
}

function usesMatrixExpressions(need: NeedDefinition): boolean {
  return (need.matrix ?? []).some((selector) => Object.values(selector).some((values) => values.some((v) => v.includes('$[['))));
}

function checkDependencies(job: JobDefinition, lookup: Lookup, problems: Problems, at: Locator): void {
  (job.dependencies ?? []).forEach((dependency, index) => {
    const target = lookup.jobs.get(dependency);
    if (!target) problems.error(`${job.name} job: undefined dependency: ${dependency}`, at('dependencies', index));
    else if (!earlierOrSame(target.stage, job.stage, lookup)) {
      problems.error(`${job.name} job: dependency ${dependency} is not defined in current or prior stages`, at('dependencies', index));
    }
  });
}

function checkOnStop(job: JobDefinition, lookup: Lookup, problems: Problems, at: Locator): void {
  const onStop = job.environment?.onStop;
  if (!job.environment || onStop === undefined) return;
  const target = lookup.jobs.get(onStop);
  const prefix = `${job.name} job: on_stop job ${onStop}`;
  let problem: string | null = null;
  if (!target) problem = 'is not defined';
  else if (!target.environment) problem = 'does not have environment defined';
  else if (target.environment.name !== job.environment.name) problem = 'have different environment name';
  else if (target.environment.action !== 'stop') problem = 'needs to have action stop defined';
  if (problem) problems.error(`${prefix} ${problem}`, at('environment'));
}

/**
 * GitLab's `dependency_stage_index.present? && dependency_stage_index <= job_stage_index`: a job in
 * an undeclared stage is in no current or prior stage of anyone. A job whose own stage is
 * undeclared was refused just before (GitLab stops there), so it adds nothing more.
 */
function earlierOrSame(targetStage: string, ownStage: string, lookup: Lookup): boolean {
  const target = lookup.stageIndex.get(targetStage);
  const own = lookup.stageIndex.get(ownStage);
  if (own === undefined) return true;
  return target !== undefined && target <= own;
}

function locateIn(problems: Problems, entry: ComposedJob, key: string, index?: number): SourceLocation {
  const fallback = entry.job.location ?? problems.fileLocation;
  const value = entry.source[key];
  if (index !== undefined && Array.isArray(value) && !value.some(Array.isArray)) {
    return problems.locate(value, index, problems.locate(entry.source, key, fallback));
  }
  return problems.locate(entry.source, key, fallback);
}

/** Ruby's `Array#inspect` of strings: `["a", "b"]`. */
function rubyInspect(names: readonly string[]): string {
  return `[${names.map((name) => JSON.stringify(name)).join(', ')}]`;
}
