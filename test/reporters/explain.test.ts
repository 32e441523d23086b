// The text of `glci explain` (reporters/explain): pure, from a hand-written Explanation.
import { describe, expect, it } from 'vitest';
import type { Explanation, JobExplanation } from '../../src/model/explanation.js';
import { renderExplanation } from '../../src/reporters/explain/index.js';

function jobExplanation(overrides: Partial<JobExplanation> = {}): JobExplanation {
  return {
    name: 'deploy',
    baseName: 'deploy',
    stage: 'deploy',
    status: 'included',
    reason: null,
    matrix: null,
    selection: {
      kind: 'rules',
      rules: {
        decidedBy: 2,
        rules: [
          { number: 1, status: 'not matched', clauses: [{ clause: 'if', expression: '$CI_COMMIT_TAG', reads: [{ name: 'CI_COMMIT_TAG', value: null }], result: false }] },
          {
            number: 2,
            status: 'matched',
            when: 'delayed',
            startIn: '5 minutes',
            variables: { TARGET: 'prod' },
            clauses: [
              { clause: 'if', expression: '$TOKEN', reads: [{ name: 'TOKEN', value: '[MASKED]' }], result: true },
              { clause: 'changes', paths: ['src/**/*'], compareTo: 'main', result: true },
            ],
          },
          { number: 3, status: 'not evaluated', when: 'never', clauses: [{ clause: 'exists', paths: ['Dockerfile'], result: null }] },
        ],
      },
    },
    needs: {
      from: 'rule',
      entries: [
        { job: 'build', artifacts: true, optional: false, targets: [{ job: 'build 1/2', inPipeline: true, outcome: 'needed' }, { job: 'build 2/2', inPipeline: true, outcome: 'needed' }] },
        { job: 'lint', artifacts: false, optional: true, targets: [{ job: 'lint', inPipeline: false, outcome: 'dropped' }] },
      ],
    },
    artifacts: { basis: 'needs', dependencies: null, sources: ['build 1/2', 'build 2/2'] },
    attributes: { when: 'delayed', allowFailure: { exitCodes: [3, 4] }, startIn: '5 minutes', startInSeconds: 300, interruptible: false },
    variables: [
      { key: 'TARGET', value: 'prod', origin: { layer: 'rules' }, masked: false, file: false, raw: false, shadowed: [{ layer: 'job', value: 'dev' }, { layer: 'global', value: 'none' }], dotenvFrom: ['build 1/2'] },
      { key: 'TOKEN', value: '[MASKED]', origin: { layer: 'user', source: '~/.glci/variables.yml' }, masked: true, file: false, raw: false, shadowed: [] },
      { key: 'OUT', value: 'out/prod', written: 'out/$TARGET', origin: { layer: 'job' }, masked: false, file: false, raw: false, shadowed: [] },
      { key: 'VERSION', value: null, origin: { layer: 'dotenv', source: 'build 1/2' }, masked: false, file: false, raw: false, shadowed: [], dotenvFrom: ['build 1/2'] },
      { key: 'CI_JOB_NAME', value: 'deploy', origin: { layer: 'predefined' }, masked: false, file: false, raw: false, shadowed: [] },
    ],
    dotenv: [{ job: 'build 1/2', keys: ['TARGET', 'VERSION'], pipelineId: 42 }, { job: 'build 2/2', keys: null, pipelineId: null }],
    ...overrides,
  };
}

function explanation(jobs: JobExplanation[], pipeline: Partial<Explanation['pipeline']> = {}): Explanation {
  return { query: 'deploy', pipeline: { created: true, notCreatedReason: null, workflow: null, name: null, ...pipeline }, jobs };
}

describe('explain text', () => {
  const text = renderExplanation(explanation([jobExplanation()]));

  it('shows every rule with its status, clause results, values read and what the deciding rule sets', () => {
    expect(text).toContain('rules (decided by rule 2)');
    expect(text).toContain('  rule 1: not matched\n    if: $CI_COMMIT_TAG  → false\n        CI_COMMIT_TAG = (not set)');
    expect(text).toContain('  rule 2: matched  (when: delayed, start_in: 5 minutes, variables: TARGET="prod")  ← decides');
    expect(text).toContain('        TOKEN = [MASKED]');
    expect(text).toContain('    changes: src/**/* (compare_to main)  → true');
    expect(text).toContain('  rule 3: not evaluated  (when: never)\n    exists: Dockerfile  → not evaluated');
    expect(text).toContain('workflow:rules: none (every pipeline is created)');
  });

  it('shows the final attributes, needs, artifact sources and dotenv sources', () => {
    expect(text).toContain('Final: when delayed · allow_failure exit_codes 3, 4 · start_in 5 minutes (300s) · interruptible false');
    expect(text).toContain("Needs (the matching rule's needs (they replace the job's))");
    expect(text).toContain('  build (artifacts) → build 1/2, build 2/2');
    expect(text).toContain('  lint (optional, no artifacts) → lint (not in the pipeline, dropped: optional)');
    expect(text).toContain('Artifacts from (the needs with artifacts): build 1/2, build 2/2');
    expect(text).toContain('  build 1/2: last local run (pipeline 42) reported TARGET, VERSION');
    expect(text).toContain('  build 2/2: no report from a local run yet');
  });

  it('lists the winner of each variable, then its shadowed definitions highest first', () => {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  TARGET'));
    expect(lines[at]).toMatch(/^ {2}TARGET\s+"prod"\s+← rules:variables$/);
    expect(lines[at + 1]).toMatch(/shadowed: job variables = "dev"$/);
    expect(lines[at + 2]).toMatch(/shadowed: global variables = "none"$/);
    expect(lines[at + 3]).toMatch(/a dotenv report of build 1\/2 overrides it when the job runs$/);
    expect(text).toMatch(/TOKEN\s+\[MASKED\]\s+← ~\/\.glci\/variables\.yml \[masked\]/);
    expect(text).toMatch(/OUT\s+"out\/prod" {2}\(written "out\/\$TARGET"\)\s+← job variables/);
    expect(text).toMatch(/VERSION\s+\(set by a dotenv report when the job runs\)\s+← dotenv of build 1\/2/);
    expect(text).toMatch(/Predefined variables \(1\)\n {2}CI_JOB_NAME\s+"deploy"\s+← predefined/);
  });

  it('says when the pipeline stopped before job selection', () => {
    const out = renderExplanation(
      explanation(
        [jobExplanation({ status: 'pipeline not created', reason: 'Pipeline filtered out by workflow rules.', selection: null, needs: null, artifacts: null, attributes: null, variables: null, dotenv: [] })],
        {
          created: false,
          notCreatedReason: 'Pipeline filtered out by workflow rules.',
          workflow: { decidedBy: null, rules: [{ number: 1, status: 'not matched', clauses: [{ clause: 'if', expression: '$X', reads: [{ name: 'X', value: '' }], result: false }] }] },
        },
      ),
    );
    expect(out).toContain('Pipeline: not created: Pipeline filtered out by workflow rules.\nworkflow:rules (no rule matched)');
    expect(out).toContain('        X = ""');
    expect(out).toContain('Job rules: not evaluated (the pipeline stopped before job selection)');
    expect(out).not.toContain('Variables (');
  });

  it('shows only/except conditions, the implicit default and what excluded the job', () => {
    const out = renderExplanation(
      explanation([
        jobExplanation({
          status: 'excluded',
          reason: 'except: refs',
          selection: {
            kind: 'only/except',
            onlyExcept: {
              only: [{ kind: 'refs', satisfied: true, entries: [{ entry: 'branches', result: true }, { entry: 'tags', result: null }] }],
              implicitOnly: true,
              except: [{ kind: 'refs', satisfied: true, entries: [{ entry: 'main', result: true }] }],
              excludedBy: 'except: refs',
            },
          },
          attributes: null,
          variables: null,
          artifacts: null,
        }),
      ]),
    );
    expect(out).toContain('Status: not in the pipeline (except: refs)');
    expect(out).toContain("only/except (excluded by except: refs)\n  (GitLab's implicit only: refs [branches, tags])\n  only:refs: satisfied\n    branches  → true\n    tags  → not evaluated\n  except:refs: satisfied\n    main  → true");
  });

  it('names the instances of a parallel job explained together', () => {
    const a = jobExplanation({ name: 'test 1/2', baseName: 'test' });
    const b = jobExplanation({ name: 'test 2/2', baseName: 'test' });
    const out = renderExplanation({ ...explanation([a, b]), query: 'test' });
    expect(out).toContain('test has 2 instances: test 1/2, test 2/2');
    expect(out).toContain('Job test 2/2 (of test) · stage deploy');
  });
});
