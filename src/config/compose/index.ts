// Composition half of config/: the merged raw mapping (includes, extends, !reference done) →
// the typed, validated PipelineConfig. GitLab's steps 6–9 (spec §0.1): stages, entry-tree
// validation with default:, then the logical checks across jobs. Every problem is collected.
import type { JobDefinition, MergedConfig, PipelineConfig, SourceLocation } from '../../model/config.js';
import { ConfigError } from '../../errors.js';
import type { RawMapping, ResolvedRawConfig } from '../raw.js';
import { isBlank } from './commands.js';
import { parseDefaults } from './defaults.js';
import { composeJob, type JobContext, jobSite } from './job.js';
import { classify, JOB_KEYS } from './job-kinds.js';
import { checkAllowedKeys } from './keys.js';
import { type ComposedJob, validateLogic } from './logical.js';
import { isMapping } from './shapes.js';
import { Problems, Site } from './site.js';
import { parseStages } from './stages.js';
import { GLOBAL_VARIABLE_KEYS, parseVariables } from './variables.js';
import { parseWorkflow } from './workflow.js';

export { parallelJobNames } from './parallel.js';
export { parseDuration } from '../../duration/chronic.js';

/** Validates and composes the resolved configuration; throws ConfigError listing every problem. */
export function composePipelineConfig(raw: ResolvedRawConfig): PipelineConfig {
  const fileLocation: SourceLocation = { file: raw.rootFile, line: 1, column: 1 };
  const problems = new Problems(raw.locations, fileLocation);
  const root = new Site(problems, 'root', raw.root, undefined, undefined, null);
  const keys = Object.keys(raw.root);
  const classes = new Map(keys.map((key) => [key, classify(key, raw.root[key])]));
  const isGlobal = (key: string): boolean => classes.get(key)?.type === 'global';

  const stages = parseStages(global(root, 'stages'));
  const variablesSite = global(root, 'variables');
  const variables = variablesSite.value === undefined || variablesSite.value === null
    ? {} : parseVariables(variablesSite, GLOBAL_VARIABLE_KEYS);
  const workflow = isGlobal('workflow') ? parseWorkflow(global(root, 'workflow')) : null;
  const defaults = parseDefaults(root, isGlobal('default'));
  const context: JobContext = { defaults, hasWorkflowRules: workflow?.rules != null };

  const composed = composeJobs(root, keys, classes, context);
  validateLogic(composed, stages, problems);
  if (problems.errors.length > 0) {
    throw new ConfigError([...problems.errors, ...raw.warnings, ...problems.warnings]);
  }
  const jobs = composed.map((c) => c.job);
  return {
    stages,
    variables,
    workflow,
    jobs,
    files: raw.files,
    warnings: [...raw.warnings, ...problems.warnings],
    merged: mergedConfig(raw.root, stages, jobs, isGlobal('workflow')),
  };
}

function global(root: Site, key: string): Site {
  return root.at(key).as(key);
}

function composeJobs(root: Site, keys: readonly string[], classes: Map<string, ReturnType<typeof classify>>, context: JobContext): ComposedJob[] {
  const problems = root.problems;
  const rawRoot = root.value as RawMapping;
  const composed: ComposedJob[] = [];
  for (const key of keys) {
    const kind = classes.get(key);
    const value = rawRoot[key];
    if (!kind || kind.type === 'global') continue;
    const site = jobSite(root, key);
    if (kind.type === 'hidden') {
      if (isBlank(value)) site.config("can't be blank");
      continue;
    }
    if (kind.type === 'invalid') {
      site.verbatim(`jobs ${key} config should implement the script:, run:, or trigger: keyword`.toLowerCase());
      // GitLab stops there; a misspelt `script` is the usual cause, so also point at unknown keys.
      if (isMapping(value)) checkAllowedKeys(site, value, JOB_KEYS);
      continue;
    }
    composed.push({ job: composeJob(site, kind.kind, context), source: value as RawMapping });
  }
  if (composed.length === 0) {
    problems.error('jobs config should contain at least one visible job', problems.fileLocation);
  }
  return composed;
}

/** What `lint --merged` shows: globals as written, then each visible job's resolved mapping. */
function mergedConfig(root: RawMapping, stages: string[], jobs: readonly JobDefinition[], workflowIsGlobal: boolean): MergedConfig {
  const out: MergedConfig = {
    stages,
    variables: isMapping(root.variables) ? root.variables : {},
    workflow: workflowIsGlobal && isMapping(root.workflow) ? root.workflow : null,
    jobs: {},
  };
  for (const job of jobs) out.jobs[job.name] = job.raw;
  return out;
}
