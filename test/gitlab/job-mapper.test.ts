import { beforeAll, describe, expect, it } from 'vitest';
import { JobPayloadError, mapJobPayload } from '../../src/gitlab/job-mapper.js';
import type { JobPayload } from '../../src/model/job-payload.js';
import { payloadsFromPipeline, type PlannedPayload } from '../support/coordinator/payload-from-plan.js';

const TOKEN = 'glcbt-64_XYZjobtoken';
const v = (key: string, value: string, extra: Record<string, boolean> = {}) => ({ key, value, public: true, file: false, masked: false, raw: false, ...extra });

/** runner-behavior.md §8.4's sample, every field. */
function samplePayload(): JobPayload {
  return {
    id: 123456,
    token: TOKEN,
    allow_git_fetch: true,
    job_info: { name: 'test', stage: 'test', pipeline_id: 9001, project_id: 42, project_name: 'app', project_full_path: 'grp/app', namespace_id: 7, root_namespace_id: 7, organization_id: 1, user_id: 3, instance_id: '', instance_uuid: '', time_in_queue_seconds: 1.2, project_jobs_running_on_instance_runners_count: '0', queue_size: 0, queue_depth: 0 },
    git_info: {
      repo_url: `https://gitlab-ci-token:${TOKEN}@gitlab.example.com/grp/app.git`,
      repo_object_format: 'sha1',
      ref: 'main',
      sha: '0123456789abcdef0123456789abcdef01234567',
      before_sha: '0000000000000000000000000000000000000000',
      ref_type: 'branch',
      refspecs: ['+refs/pipelines/9001:refs/pipelines/9001', '+refs/heads/main:refs/remotes/origin/main'],
      depth: 20,
      protected: true,
    },
    runner_info: { uuid: '', timeout: 3600 },
    variables: [
      v('CI_JOB_ID', '123456'),
      v('CI_JOB_TOKEN', TOKEN, { public: false, masked: true }),
      v('CI_PROJECT_DIR', '/builds/grp/app'),
      v('DB_PASSWORD', 's3cr3t-pass', { public: false, masked: true }),
      v('KUBECONFIG', 'apiVersion: v1\n...', { public: false, file: true }),
    ],
    steps: [
      { name: 'script', script: ['npm ci', 'npm test'], timeout: 3600, when: 'on_success', allow_failure: false },
      { name: 'after_script', script: ['echo done'], timeout: 3600, when: 'always', allow_failure: true },
    ],
    image: { name: 'node:20', entrypoint: [''], pull_policy: ['if-not-present'], executor_opts: { docker: { platform: 'linux/amd64', user: '1000' } } },
    services: [{ name: 'postgres:16', alias: 'db,pg', command: ['postgres', '-c', 'fsync=off'], variables: [v('POSTGRES_PASSWORD', 'pw')] }],
    artifacts: [
      { name: 'dist', untracked: false, paths: ['dist/'], exclude: ['dist/**/*.map'], when: 'on_success', artifact_type: 'archive', artifact_format: 'zip', expire_in: '1 week' },
      { name: '', untracked: false, paths: ['build.env'], exclude: [], when: 'on_success', artifact_type: 'dotenv', artifact_format: 'gzip', expire_in: '' },
    ],
    cache: [{ key: 'node-modules-1-protected', untracked: false, policy: 'pull-push', paths: ['node_modules/'], when: 'on_success', fallback_keys: ['node-default-1-protected'] }],
    credentials: [{ type: 'registry', url: 'registry.example.com', username: 'gitlab-ci-token', password: TOKEN }],
    dependencies: [{ id: 123450, token: TOKEN, name: 'build', artifacts_file: { filename: 'artifacts.zip', size: 1048576 } }],
    features: { trace_sections: true, token_mask_prefixes: ['glpat-', 'glcbt-'], failure_reasons: ['script_failure', 'runner_system_failure'] },
  };
}

describe('mapJobPayload: the PlannedJob', () => {
  const { job } = mapJobPayload(samplePayload());

  it.each([
    ['name', job.name, 'test'],
    ['baseName', job.baseName, 'test'],
    ['stage', job.stage, 'test'],
    ['beforeScript', job.beforeScript, []],
    ['script', job.script, ['npm ci', 'npm test']],
    ['afterScript', job.afterScript, ['echo done']],
    ['when', job.when, 'on_success'],
    ['allowFailure', job.allowFailure, false],
    ['needs', job.needs, null],
    ['retry', job.retry, { max: 0, when: [], exitCodes: [] }],
    ['artifactSources', job.artifactSources, ['build']],
    ['timeoutSeconds', job.timeoutSeconds, 3600],
    ['tags', job.tags, []],
    ['interruptible', job.interruptible, false],
    ['nodeTotal', job.nodeTotal, 1],
    ['environment', job.environment, null],
    ['hooks', job.hooks, undefined],
    ['image', job.image, { name: 'node:20', entrypoint: [''], pullPolicy: ['if-not-present'], docker: { platform: 'linux/amd64', user: '1000' } }],
    ['services', job.services, [{ name: 'postgres:16', aliases: ['db', 'pg'], command: ['postgres', '-c', 'fsync=off'], variables: { POSTGRES_PASSWORD: 'pw' } }]],
    ['cache', job.cache, [{ key: { kind: 'literal', value: 'node-modules-1-protected' }, paths: ['node_modules/'], untracked: false, unprotect: false, when: 'on_success', policy: 'pull-push', fallbackKeys: ['node-default-1-protected'] }]],
    ['artifacts', job.artifacts, { paths: ['dist/'], exclude: ['dist/**/*.map'], untracked: false, when: 'on_success', expireIn: '1 week', name: 'dist', reports: { dotenv: ['build.env'] } }],
  ])('%s', (_field, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('keeps the variables in order with their flags, and adds none', () => {
    expect(job.variables.map((x) => x.key)).toEqual(['CI_JOB_ID', 'CI_JOB_TOKEN', 'CI_PROJECT_DIR', 'DB_PASSWORD', 'KUBECONFIG']);
    expect(job.variables[1]).toEqual({ key: 'CI_JOB_TOKEN', value: TOKEN, public: false, masked: true, file: false, raw: false });
    expect(job.variables[4]).toMatchObject({ file: true, public: false });
  });

  it('defaults the flags GitLab leaves out to false', () => {
    const payload = samplePayload();
    payload.variables = [{ key: 'A', value: '1' }];
    expect(mapJobPayload(payload).job.variables).toEqual([{ key: 'A', value: '1', public: false, masked: false, file: false, raw: false }]);
  });
});

describe('mapJobPayload: the runner context', () => {
  const { context } = mapJobPayload(samplePayload());

  it.each([
    ['jobId', context.jobId, 123456],
    ['jobToken', context.jobToken, TOKEN],
    ['projectId', context.projectId, 42],
    ['pipelineId', context.pipelineId, 9001],
    ['allowGitFetch', context.allowGitFetch, true],
    ['timeoutSeconds', context.timeoutSeconds, 3600],
    ['features', context.features, { failureReasons: ['script_failure', 'runner_system_failure'], tokenMaskPrefixes: ['glpat-', 'glcbt-'] }],
    ['dependencies', context.dependencies.map((d) => [d.id, d.name]), [[123450, 'build']]],
    ['credentials', context.credentials.map((c) => c.url), ['registry.example.com']],
    ['artifacts', context.artifacts.map((a) => [a.artifact_type, a.artifact_format, a.expire_in]), [['archive', 'zip', '1 week'], ['dotenv', 'gzip', '']]],
    ['caches', context.caches.map((c) => c.key), ['node-modules-1-protected']],
    ['postGetSourcesScript', context.postGetSourcesScript, []],
    ['servicesAsSent', context.servicesAsSent.map((s) => s.alias), ['db,pg']],
  ])('%s', (_field, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('carries git_info', () => {
    expect(context.git).toEqual({
      repoUrl: `https://gitlab-ci-token:${TOKEN}@gitlab.example.com/grp/app.git`,
      ref: 'main',
      sha: '0123456789abcdef0123456789abcdef01234567',
      beforeSha: '0'.repeat(40),
      refType: 'branch',
      refspecs: ['+refs/pipelines/9001:refs/pipelines/9001', '+refs/heads/main:refs/remotes/origin/main'],
      depth: 20,
      protected: true,
      objectFormat: 'sha1',
    });
  });

  it('puts hooks, release steps and what the model has no field for in the context', () => {
    const payload = samplePayload();
    payload.hooks = [
      { name: 'pre_get_sources_script', script: ['echo pre'] },
      { name: 'post_get_sources_script', script: ['echo post'] },
    ];
    payload.steps.push({ name: 'release', script: ['release-cli create'], when: 'on_success', allow_failure: false });
    payload.image = { name: 'alpine', command: ['sh'], ports: [{ number: 80 }] };
    const { job, context } = mapJobPayload(payload);
    expect(job.hooks).toEqual({ preGetSourcesScript: ['echo pre'] });
    expect(context.postGetSourcesScript).toEqual(['echo post']);
    expect(job.extraSteps).toEqual([{ name: 'release', script: ['release-cli create'] }]);
    expect(job.image).toEqual({ name: 'alpine' });
    expect(context.imageAsSent?.command).toEqual(['sh']);
  });

  it('reads a minimal payload with defaults', () => {
    const payload = samplePayload();
    for (const key of ['image', 'services', 'artifacts', 'cache', 'credentials', 'dependencies', 'features', 'allow_git_fetch'] as const) delete payload[key];
    delete payload.git_info.before_sha;
    delete payload.git_info.refspecs;
    const { job, context } = mapJobPayload(payload);
    expect([job.image, job.services, job.cache, job.artifacts, job.artifactSources]).toEqual([null, [], [], null, []]);
    expect([context.allowGitFetch, context.git.beforeSha, context.git.refspecs, context.features.failureReasons]).toEqual([false, '0'.repeat(40), [], []]);
  });
});

describe('mapJobPayload: payloads it cannot run', () => {
  const broken: Array<[string, (p: Record<string, unknown>) => void, RegExp]> = [
    ['no job_info', (p) => delete p.job_info, /no job_info/],
    ['no job name', (p) => ((p.job_info as Record<string, unknown>).name = ''), /job_info\.name/],
    ['no git_info', (p) => delete p.git_info, /no git_info/],
    ['no sha', (p) => delete (p.git_info as Record<string, unknown>).sha, /git_info\.sha/],
    ['no runner_info', (p) => delete p.runner_info, /runner_info/],
    ['a timeout that is no number', (p) => ((p.runner_info as Record<string, unknown>).timeout = '1h'), /runner_info\.timeout/],
    ['no variables', (p) => delete p.variables, /variables/],
    ['a variable without a key', (p) => (p.variables = [{ value: 'x' }]), /variables\[0\]/],
    ['no steps', (p) => delete p.steps, /steps/],
    ['no script step', (p) => (p.steps = [{ name: 'after_script', script: [], when: 'always', allow_failure: true }]), /`script` step/],
    ['no token', (p) => delete p.token, /token/],
  ];
  it.each(broken)('%s', (_what, breakIt, message) => {
    const payload = samplePayload() as unknown as Record<string, unknown>;
    breakIt(payload);
    let caught: unknown;
    try {
      mapJobPayload(payload as unknown as JobPayload);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JobPayloadError);
    expect((caught as JobPayloadError).message).toMatch(message);
  });
});

describe('round trip: glci plans a pipeline, GitLab-shaped payloads map back onto the PlannedJob', () => {
  const yaml = `
stages: [build, test]
variables:
  GLOBAL: g
default:
  before_script: [echo before]
build:
  stage: build
  image: { name: alpine:3.20, entrypoint: [""], pull_policy: [if-not-present] }
  services:
    - name: postgres:16
      alias: db,pg
      command: [postgres, -c, fsync=off]
      variables: { POSTGRES_PASSWORD: pw }
  script: [make]
  after_script: [echo after]
  cache:
    key: deps
    paths: [vendor/]
    policy: pull-push
    fallback_keys: [deps-main]
  artifacts:
    name: dist
    paths: [dist/]
    exclude: [dist/**/*.map]
    expire_in: 1 week
    reports:
      dotenv: build.env
      junit: [report.xml]
test:
  stage: test
  variables: { LOCAL: l }
  script: [make test]
`;
  let payloads: PlannedPayload[] = [];
  beforeAll(async () => {
    payloads = await payloadsFromPipeline(yaml, { jobToken: TOKEN });
  });

  it('keeps every field the engine reads', () => {
    expect(payloads.map((p) => p.planned.name)).toEqual(['build', 'test']);
    for (const { payload, planned } of payloads) {
      const { job } = mapJobPayload(payload);
      expect(job.script).toEqual([...planned.beforeScript, ...planned.script]);
      expect(job.afterScript).toEqual(planned.afterScript);
      expect(job.image).toEqual(planned.image);
      expect(job.services).toEqual(planned.services);
      expect(job.artifacts).toEqual(planned.artifacts);
      const suffixed = planned.cache.map((c) => ({ ...c, key: undefined, unprotect: false, fallbackKeys: c.fallbackKeys.map((k) => `${k}-protected`) }));
      expect(job.cache.map((c) => ({ ...c, key: undefined }))).toEqual(suffixed);
      const identity = ['CI_JOB_ID', 'CI_JOB_URL', 'CI_JOB_TOKEN', 'CI_REPOSITORY_URL'];
      expect(job.variables.map((x) => x.key)).toEqual([...identity, ...planned.variables.map((x) => x.key).filter((k) => !identity.includes(k))]);
      expect(job.variables.filter((x) => !identity.includes(x.key))).toEqual(planned.variables.filter((x) => !identity.includes(x.key)));
      expect(job.stage).toEqual(planned.stage);
    }
  });

  it('sends the cache key as GitLab computes it, and CI_JOB_TOKEN masked', () => {
    const build = payloads[0]?.payload;
    expect(build?.cache?.[0]?.key).toBe('deps-protected');
    expect(mapJobPayload(build as JobPayload).job.cache[0]?.key).toEqual({ kind: 'literal', value: 'deps-protected' });
    const tokenVariable = build?.variables.find((x) => x.key === 'CI_JOB_TOKEN');
    expect(tokenVariable).toEqual({ key: 'CI_JOB_TOKEN', value: TOKEN, public: false, file: false, masked: true, raw: false });
    expect(build?.variables.find((x) => x.key === 'GLOBAL')?.value).toBe('g');
    expect(build?.steps.find((s) => s.name === 'after_script')).toMatchObject({ when: 'always', allow_failure: true });
  });
});
