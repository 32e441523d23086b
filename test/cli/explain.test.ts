// `glci explain` end to end on test/run-fixtures/explain (a branch push on `main`, the default branch).
// Expected outcomes follow GitLab's documented behaviour (gitlab-ci-yaml.md §2.6 workflow, §5.14 rules,
// §5.15 only/except, §5.9 needs, §5.10 dependencies, §7.1 precedence), not glci's output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation, JobExplanation, RuleExplanation, VariableExplanation } from '../../src/model/explanation.js';
import { jobDirName } from '../../src/artifacts/state-paths.js';
import { createRunProject, glciEnv, type RunProject } from '../run/run-support.js';

const cliEntry = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const SECRET = 'tok-4f9a8b7c6d5e';

describe('glci explain', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('explain');
  });
  afterAll(() => project.remove());

  const explain = (args: string[]) =>
    execa(process.execPath, [cliEntry, 'explain', '--cwd', project.dir, '--state-dir', project.stateDir, ...args], {
      env: glciEnv(project),
      extendEnv: false,
      reject: false,
    });

  async function explainJson(args: string[]): Promise<Explanation> {
    const result = await explain([...args, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Explanation;
  }

  const only = (e: Explanation): JobExplanation => {
    expect(e.jobs).toHaveLength(1);
    return e.jobs[0]!;
  };
  const rulesOf = (job: JobExplanation): RuleExplanation[] => {
    if (job.selection?.kind !== 'rules') throw new Error(`${job.name} was not selected by rules`);
    return job.selection.rules.rules;
  };
  const variable = (job: JobExplanation, key: string): VariableExplanation | undefined => job.variables?.find((v) => v.key === key);

  it('a schedule pipeline is filtered out by workflow:rules before any job rule is evaluated', async () => {
    const e = await explainJson(['deploy', '--pipeline-source', 'schedule']);
    expect(e.pipeline.created).toBe(false);
    expect(e.pipeline.notCreatedReason).toBe('Pipeline filtered out by workflow rules.');
    const workflow = e.pipeline.workflow!;
    expect(workflow.decidedBy).toBe(1);
    expect(workflow.rules[0]).toMatchObject({ status: 'matched', when: 'never', clauses: [{ clause: 'if', result: true, reads: [{ name: 'CI_PIPELINE_SOURCE', value: 'schedule' }] }] });
    expect(workflow.rules[1]).toMatchObject({ status: 'not evaluated', clauses: [{ clause: 'if', result: null }] });
    const job = only(e);
    expect(job.status).toBe('pipeline not created');
    expect(job.selection).toBeNull();
    expect(job.variables).toBeNull();

    const text = await explain(['deploy', '--pipeline-source', 'schedule']);
    expect(text.stdout).toContain('Pipeline: not created: Pipeline filtered out by workflow rules.');
    expect(text.stdout).toContain('rule 2: not evaluated');
  });

  it('a job whose only rule does not match is excluded, with the value the if read', async () => {
    const job = only(await explainJson(['tag-only']));
    expect(job.status).toBe('excluded');
    expect(job.reason).toBe('rules: no rule matched');
    expect(rulesOf(job)).toEqual([
      { number: 1, status: 'not matched', clauses: [{ clause: 'if', expression: '$CI_COMMIT_TAG', reads: [{ name: 'CI_COMMIT_TAG', value: null }], result: false }] },
    ]);
    expect(job.variables).toBeNull();
    const text = await explain(['tag-only']);
    expect(text.stdout).toContain('Status: not in the pipeline (rules: no rule matched)');
    expect(text.stdout).toContain('CI_COMMIT_TAG = (not set)');
  });

  it('the second rule includes the job: its when, allow_failure and variables win; later rules are not evaluated', async () => {
    const job = only(await explainJson(['deploy']));
    expect(job.status).toBe('included');
    const rules = rulesOf(job);
    expect(rules.map((r) => r.status)).toEqual(['not matched', 'matched', 'not evaluated']);
    expect(rules[1]!.clauses[0]).toMatchObject({
      result: true,
      reads: [{ name: 'CI_COMMIT_BRANCH', value: 'main' }, { name: 'CI_DEFAULT_BRANCH', value: 'main' }],
    });
    expect(job.selection?.kind === 'rules' && job.selection.rules.decidedBy).toBe(2);
    expect(job.attributes).toMatchObject({ when: 'manual', allowFailure: true, startIn: null });
    // rules:variables over job variables over global variables (§5.14 step 4, §7.1).
    expect(variable(job, 'DEPLOY_TARGET')).toMatchObject({
      value: 'production',
      origin: { layer: 'rules' },
      shadowed: [{ layer: 'job', value: 'job-default' }, { layer: 'global', value: 'staging' }],
    });
    expect(variable(job, 'WORKFLOW_MARK')).toMatchObject({ value: 'from-workflow', origin: { layer: 'workflow' } });
    expect(variable(job, 'CI_JOB_NAME')).toMatchObject({ value: 'deploy', origin: { layer: 'predefined' } });
  });

  it('shows a variable defined in three layers with the --variable winning and both others shadowed', async () => {
    const job = only(await explainJson(['shadow', '--variable', 'LEVEL=cli']));
    expect(variable(job, 'LEVEL')).toEqual({
      key: 'LEVEL',
      value: 'cli',
      origin: { layer: 'user', source: '--variable' },
      masked: false,
      file: false,
      raw: false,
      shadowed: [{ layer: 'job', value: 'job' }, { layer: 'global', value: 'global' }],
    });
    const text = await explain(['shadow', '--variable', 'LEVEL=cli']);
    const lines = text.stdout.split('\n');
    const at = lines.findIndex((l) => /^\s+LEVEL\s+"cli"\s+← --variable$/.test(l));
    expect(at, text.stdout).toBeGreaterThan(-1);
    expect(lines[at + 1]).toMatch(/shadowed: job variables = "job"$/);
    expect(lines[at + 2]).toMatch(/shadowed: global variables = "global"$/);
  });

  it('explains only/except: each condition type, the entries tried and what excluded the job', async () => {
    const excluded = only(await explainJson(['legacy']));
    expect(excluded.reason).toBe('only: variables');
    expect(excluded.selection).toEqual({
      kind: 'only/except',
      onlyExcept: {
        only: [
          { kind: 'refs', satisfied: true, entries: [{ entry: 'branches', result: true }] },
          { kind: 'variables', satisfied: false, entries: [{ entry: '$RELEASE == "yes"', result: false, reads: [{ name: 'RELEASE', value: null }] }] },
        ],
        implicitOnly: false,
        // `only` failed first, so `except` was never evaluated.
        except: [{ kind: 'variables', satisfied: null, entries: [{ entry: '$SKIP_LEGACY', result: null }] }],
        excludedBy: 'only: variables',
      },
    });
    const byExcept = only(await explainJson(['legacy', '-v', 'RELEASE=yes', '-v', 'SKIP_LEGACY=1']));
    expect(byExcept.status).toBe('excluded');
    expect(byExcept.selection?.kind === 'only/except' && byExcept.selection.onlyExcept.except).toEqual([
      { kind: 'variables', satisfied: true, entries: [{ entry: '$SKIP_LEGACY', result: true, reads: [{ name: 'SKIP_LEGACY', value: '1' }] }] },
    ]);
    expect(only(await explainJson(['legacy', '-v', 'RELEASE=yes'])).status).toBe('included');
  });

  it('resolves needs to concrete jobs: every parallel instance, an optional need on an excluded job dropped', async () => {
    const job = only(await explainJson(['deploy']));
    expect(job.needs).toEqual({
      from: 'job',
      entries: [
        {
          job: 'build',
          artifacts: true,
          optional: false,
          targets: [
            { job: 'build 1/2', inPipeline: true, outcome: 'needed' },
            { job: 'build 2/2', inPipeline: true, outcome: 'needed' },
          ],
        },
        { job: 'tag-only', artifacts: true, optional: true, targets: [{ job: 'tag-only', inPipeline: false, outcome: 'dropped' }] },
      ],
    });
    expect(job.artifacts).toEqual({ basis: 'needs', dependencies: null, sources: ['build 1/2', 'build 2/2'] });
  });

  it('resolves dependencies: parallel instances expanded, a job not in the pipeline gives no artifacts', async () => {
    const job = only(await explainJson(['report']));
    expect(job.needs).toBeNull();
    expect(job.artifacts).toEqual({
      basis: 'dependencies',
      dependencies: [
        { job: 'build', jobs: [{ job: 'build 1/2', inPipeline: true }, { job: 'build 2/2', inPipeline: true }] },
        { job: 'tag-only', jobs: [{ job: 'tag-only', inPipeline: false }] },
      ],
      sources: ['build 1/2', 'build 2/2'],
    });
  });

  it('a non-optional need on an excluded job is GitLab\'s pipeline-creation error, shown with the need', async () => {
    const job = only(await explainJson(['strict', '-v', 'STRICT=1']));
    expect(job.status).toBe('pipeline not created');
    expect(job.reason).toContain("'strict' job needs 'tag-only' job, but 'tag-only' does not exist in the pipeline.");
    expect(job.needs?.entries).toEqual([{ job: 'tag-only', artifacts: true, optional: false, targets: [{ job: 'tag-only', inPipeline: false, outcome: 'error' }] }]);
  });

  it('never prints a masked value: not as a variable, not as a value a rule read, not when shadowed', async () => {
    for (const extra of [[], ['--variable', 'API_TOKEN=replaced']]) {
      const json = await explain(['secret', '--json', ...extra]);
      const text = await explain(['secret', ...extra]);
      for (const out of [json.stdout, text.stdout, json.stderr, text.stderr]) expect(out).not.toContain(SECRET);
      const job = only(JSON.parse(json.stdout) as Explanation);
      const read = rulesOf(job)[0]!.clauses[0]!;
      expect(read.clause === 'if' && read.reads).toEqual([{ name: 'API_TOKEN', value: '[MASKED]' }]);
      if (extra.length === 0) {
        expect(variable(job, 'API_TOKEN')).toMatchObject({ value: '[MASKED]', masked: true, origin: { layer: 'user', source: '.glci-variables.yml' } });
        expect(text.stdout).toMatch(/API_TOKEN\s+\[MASKED\]\s+← \.glci-variables\.yml \[masked\]/);
      } else {
        expect(variable(job, 'API_TOKEN')).toMatchObject({ value: 'replaced', shadowed: [{ layer: 'user', source: '.glci-variables.yml', value: '[MASKED]' }] });
      }
    }
  });

  it('explains every instance of a matrix job by its base name, or one instance by its full name', async () => {
    const all = await explainJson(['unit']);
    expect(all.jobs.map((j) => j.name)).toEqual(['unit: [fast]', 'unit: [slow]']);
    const one = only(await explainJson(['unit: [slow]']));
    expect(one).toMatchObject({ baseName: 'unit', matrix: { SUITE: 'slow' }, status: 'included' });
    expect(variable(one, 'SUITE')).toMatchObject({ value: 'slow', origin: { layer: 'matrix' } });
    const text = await explain(['unit']);
    expect(text.stdout).toContain('unit has 2 instances: unit: [fast], unit: [slow]');
  });

  it('names the dotenv source jobs and the keys their reports held in the last local run', async () => {
    const before = only(await explainJson(['deploy']));
    expect(before.dotenv).toEqual([
      { job: 'build 1/2', keys: null, pipelineId: null },
      { job: 'build 2/2', keys: null, pipelineId: null },
    ]);
    const dir = join(project.stateDir, 'pipelines', '1700000000', 'artifacts', jobDirName('build 1/2'));
    mkdirSync(dir, { recursive: true });
    const metadata = { job: 'build 1/2', reports: { dotenv: ['build.env'] }, dotenv: { variables: [{ key: 'BUILD_VERSION', value: '9.8.7' }, { key: 'DEPLOY_TARGET', value: 'x' }], errors: [] } };
    writeFileSync(join(dir, 'metadata.json'), JSON.stringify(metadata));
    const job = only(await explainJson(['deploy']));
    expect(job.dotenv[0]).toEqual({ job: 'build 1/2', keys: ['BUILD_VERSION', 'DEPLOY_TARGET'], pipelineId: 1700000000 });
    expect(variable(job, 'BUILD_VERSION')).toMatchObject({ value: null, origin: { layer: 'dotenv', source: 'build 1/2' } });
    // A dotenv report overrides job and rules variables at run time (§7.1 item 6 is above item 7).
    expect(variable(job, 'DEPLOY_TARGET')?.dotenvFrom).toEqual(['build 1/2']);
    const text = await explain(['deploy']);
    expect(text.stdout).toContain('build 1/2: last local run (pipeline 1700000000) reported BUILD_VERSION, DEPLOY_TARGET');
    expect(text.stdout).not.toContain('9.8.7');
  });

  it('an unknown job is a usage error (exit 2) naming the close ones', async () => {
    const result = await explain(['deplyo']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('error: unknown job "deplyo"');
    expect(result.stderr).toContain('did you mean "deploy"?');
    expect(result.stdout).toBe('');
  });
});
