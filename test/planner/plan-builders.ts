// Builders for planner tests: PipelineConfig / JobDefinition / PipelineContext with GitLab's defaults,
// so each test writes only what it is about.
import type { JobDefinition, PipelineConfig, VariableMap, WorkflowDefinition } from '../../src/model/config.js';
import type { Plan, PipelineContext, PlannedJob } from '../../src/model/plan.js';

export const DEFAULT_STAGES = ['.pre', 'build', 'test', 'deploy', '.post'];

/** A job as config/ would hand it over: `stage: test`, one script line, nothing else set. */
export function job(name: string, overrides: Partial<JobDefinition> = {}): JobDefinition {
  return {
    name,
    location: { file: '.gitlab-ci.yml', line: 1, column: 1 },
    stage: 'test',
    image: null,
    services: [],
    beforeScript: [],
    script: [`echo ${name}`],
    afterScript: [],
    variables: {},
    inheritVariables: true,
    tags: [],
    when: undefined,
    allowFailure: undefined,
    retry: { max: 0, when: ['always'], exitCodes: [] },
    needs: null,
    dependencies: null,
    parallel: null,
    rules: null,
    only: null,
    except: null,
    cache: [],
    artifacts: null,
    environment: null,
    raw: {},
    ...overrides,
  };
}

export interface ConfigOptions {
  stages?: string[];
  variables?: VariableMap;
  workflow?: WorkflowDefinition | null;
}

export function pipelineConfig(jobs: JobDefinition[], options: ConfigOptions = {}): PipelineConfig {
  const stages = options.stages ?? DEFAULT_STAGES;
  return {
    stages,
    variables: options.variables ?? {},
    workflow: options.workflow ?? null,
    jobs,
    files: ['.gitlab-ci.yml'],
    warnings: [],
    merged: { stages, variables: {}, workflow: null, jobs: {} },
  };
}

/** A push pipeline on branch `main` of group/project, with no diff and no files unless given. */
export function context(overrides: Partial<PipelineContext> = {}): PipelineContext {
  return {
    projectDir: '/project',
    git: {
      sha: '0123456789abcdef0123456789abcdef01234567',
      branch: 'main',
      tag: null,
      tagMessage: null,
      message: 'Initial commit',
      authorName: 'Jane Doe',
      authorEmail: 'jane@example.com',
      timestamp: '2024-01-01T00:00:00Z',
      remoteUrl: null,
      defaultBranch: 'main',
    },
    source: 'push',
    refKind: 'branch',
    ref: 'main',
    changedFiles: null,
    files: [],
    userVariables: {},
    pipelineId: 1,
    pipelineIid: 1,
    projectPath: 'group/project',
    serverUrl: 'https://gitlab.example.com',
    createdAt: '2024-01-01T00:00:00Z',
    playedManualJobs: [],
    ...overrides,
  };
}

/** A tag pipeline for `v1.0.0`. */
export function tagContext(overrides: Partial<PipelineContext> = {}): PipelineContext {
  const base = context();
  return context({ refKind: 'tag', ref: 'v1.0.0', git: { ...base.git, branch: null, tag: 'v1.0.0' }, ...overrides });
}

/** A merge request pipeline from `feature` into `main`. */
export function mergeRequestContext(overrides: Partial<PipelineContext> = {}): PipelineContext {
  return context({
    source: 'merge_request_event',
    ref: 'feature',
    git: { ...context().git, branch: 'feature' },
    mergeRequest: { iid: 7, sourceBranch: 'feature', targetBranch: 'main', title: 'Add feature' },
    ...overrides,
  });
}

/** `{A: '1'}` → YAML variables (expandable). */
export function yamlVars(values: Record<string, string>): VariableMap {
  return Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, expand: true }]));
}

export function jobNames(plan: Plan): string[] {
  return plan.jobs.map((j) => j.name);
}

export function plannedJob(plan: Plan, name: string): PlannedJob {
  const found = plan.jobs.find((j) => j.name === name);
  if (found === undefined) throw new Error(`no planned job ${name}; have ${jobNames(plan).join(', ')}`);
  return found;
}

/** The value a job receives for `key` (the last definition wins), or undefined. */
export function variableValue(job: PlannedJob, key: string): string | undefined {
  const matches = job.variables.filter((v) => v.key === key);
  return matches[matches.length - 1]?.value;
}

export function excludedReason(plan: Plan, name: string): string | undefined {
  return plan.excluded.find((e) => e.name === name)?.reason;
}
