// Predefined variables of gitlab-ci-yaml.md §7.4, §5.19 and the runner's own (runner-behavior.md).
import { describe, expect, it } from 'vitest';
import type { PipelineContext } from '../../src/model/plan.js';
import {
  environmentSlug,
  environmentTier,
  jobPredefinedVariables,
  predefinedVariables,
  runnerVariables,
} from '../../src/variables/index.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function context(overrides: Partial<PipelineContext> = {}, git: Partial<PipelineContext['git']> = {}): PipelineContext {
  return {
    projectDir: '/src/my-project',
    git: {
      sha: SHA,
      branch: 'feature/Login',
      tag: null,
      tagMessage: null,
      message: 'Add login\n\nLong description\n',
      authorName: 'Ada Lovelace',
      authorEmail: 'ada@example.com',
      timestamp: '2022-01-31T16:47:55Z',
      remoteUrl: null,
      defaultBranch: 'main',
      ...git,
    },
    source: 'push',
    refKind: 'branch',
    ref: 'feature/Login',
    changedFiles: null,
    files: [],
    userVariables: {},
    pipelineId: 1000,
    pipelineIid: 7,
    projectPath: 'Group/sub/my-project',
    serverUrl: 'https://gitlab.example.com:8443',
    createdAt: '2024-05-01T10:00:00Z',
    playedManualJobs: [],
    ...overrides,
  };
}

describe('predefinedVariables: server and project', () => {
  const vars = predefinedVariables(context());

  it('sets CI and GITLAB_CI', () => {
    expect(vars).toMatchObject({ CI: 'true', GITLAB_CI: 'true' });
  });

  it('splits the server URL', () => {
    expect(vars).toMatchObject({
      CI_SERVER_URL: 'https://gitlab.example.com:8443',
      CI_SERVER_HOST: 'gitlab.example.com',
      CI_SERVER_PORT: '8443',
      CI_SERVER_PROTOCOL: 'https',
      CI_SERVER_FQDN: 'gitlab.example.com:8443',
      CI_SERVER_NAME: 'GitLab',
      CI_API_V4_URL: 'https://gitlab.example.com:8443/api/v4',
      CI_API_GRAPHQL_URL: 'https://gitlab.example.com:8443/api/graphql',
    });
    const plain = predefinedVariables(context({ serverUrl: 'https://gitlab.example.com/' }));
    expect(plain).toMatchObject({ CI_SERVER_PORT: '443', CI_SERVER_FQDN: 'gitlab.example.com', CI_SERVER_URL: 'https://gitlab.example.com' });
  });

  it('refuses a server URL that is not a URL', () => {
    expect(() => predefinedVariables(context({ serverUrl: 'gitlab.example.com' }))).toThrow('invalid GitLab server URL');
  });

  it('splits the server version', () => {
    const v = predefinedVariables(context(), { serverVersion: '17.11.2' });
    expect(v).toMatchObject({ CI_SERVER_VERSION: '17.11.2', CI_SERVER_VERSION_MAJOR: '17', CI_SERVER_VERSION_MINOR: '11', CI_SERVER_VERSION_PATCH: '2' });
  });

  it('derives the project variables from the project path', () => {
    expect(vars).toMatchObject({
      CI_PROJECT_ID: '0',
      CI_PROJECT_NAME: 'my-project',
      CI_PROJECT_PATH: 'Group/sub/my-project',
      CI_PROJECT_PATH_SLUG: 'group-sub-my-project',
      CI_PROJECT_NAMESPACE: 'Group/sub',
      CI_PROJECT_NAMESPACE_SLUG: 'group-sub',
      CI_PROJECT_ROOT_NAMESPACE: 'Group',
      CI_PROJECT_URL: 'https://gitlab.example.com:8443/Group/sub/my-project',
      CI_DEFAULT_BRANCH: 'main',
      CI_CONFIG_PATH: '.gitlab-ci.yml',
    });
  });

  it('sets CI_REGISTRY* only with a registry, with a lowercase image path', () => {
    expect(vars.CI_REGISTRY).toBeUndefined();
    const v = predefinedVariables(context(), { registry: 'registry.example.com' });
    expect(v).toMatchObject({ CI_REGISTRY: 'registry.example.com', CI_REGISTRY_IMAGE: 'registry.example.com/group/sub/my-project' });
  });
});

describe('predefinedVariables: commit', () => {
  it('describes a branch pipeline', () => {
    const vars = predefinedVariables(context());
    expect(vars).toMatchObject({
      CI_COMMIT_SHA: SHA,
      CI_COMMIT_SHORT_SHA: '01234567',
      CI_COMMIT_BEFORE_SHA: '0000000000000000000000000000000000000000',
      CI_COMMIT_REF_NAME: 'feature/Login',
      CI_COMMIT_REF_SLUG: 'feature-login',
      CI_COMMIT_BRANCH: 'feature/Login',
      CI_COMMIT_TIMESTAMP: '2022-01-31T16:47:55Z',
      CI_COMMIT_AUTHOR: 'Ada Lovelace <ada@example.com>',
      CI_COMMIT_REF_PROTECTED: 'false',
      CI_PIPELINE_SOURCE: 'push',
    });
    expect(vars).not.toHaveProperty('CI_COMMIT_TAG');
    expect(vars).not.toHaveProperty('CI_COMMIT_TAG_MESSAGE');
    expect(predefinedVariables(context({ ref: 'main' })).CI_COMMIT_REF_PROTECTED).toBe('true');
  });

  it('describes a tag pipeline: CI_COMMIT_TAG and its message, no CI_COMMIT_BRANCH', () => {
    const ctx = context({ refKind: 'tag', ref: 'v1.0' }, { branch: null, tag: 'v1.0', tagMessage: 'Release 1.0' });
    const vars = predefinedVariables(ctx);
    expect(vars).toMatchObject({ CI_COMMIT_TAG: 'v1.0', CI_COMMIT_TAG_MESSAGE: 'Release 1.0', CI_COMMIT_REF_NAME: 'v1.0', CI_COMMIT_REF_SLUG: 'v1-0' });
    expect(vars).not.toHaveProperty('CI_COMMIT_BRANCH');
    const lightweight = predefinedVariables(context({ refKind: 'tag', ref: 'v2' }, { tag: 'v2', tagMessage: null }));
    expect(lightweight.CI_COMMIT_TAG_MESSAGE).toBe('');
  });

  it('splits the message into title and description like GitLab', () => {
    const vars = predefinedVariables(context());
    expect(vars.CI_COMMIT_MESSAGE).toBe('Add login\n\nLong description\n');
    expect(vars.CI_COMMIT_TITLE).toBe('Add login');
    // The rest after the first line, one trailing newline removed.
    expect(vars.CI_COMMIT_DESCRIPTION).toBe('\nLong description');
    expect(vars).not.toHaveProperty('CI_COMMIT_MESSAGE_IS_TRUNCATED');
  });

  it.each([
    ['fix\n', 'fix', ''],
    ['fix', 'fix', ''],
    ['first\r\nsecond\r\n', 'first', 'second'],
    ['', 'No commit message', 'No commit message'],
  ])('message %j → title %j, description %j', (message, title, description) => {
    const vars = predefinedVariables(context({}, { message }));
    expect(vars.CI_COMMIT_TITLE).toBe(title);
    expect(vars.CI_COMMIT_DESCRIPTION).toBe(description);
  });

  it('uses the whole message as description when the title has 100 characters or more', () => {
    const message = `${'t'.repeat(100)}\nbody\n`;
    expect(predefinedVariables(context({}, { message })).CI_COMMIT_DESCRIPTION).toBe(message);
    const shorter = `${'t'.repeat(99)}\nbody\n`;
    expect(predefinedVariables(context({}, { message: shorter })).CI_COMMIT_DESCRIPTION).toBe('body');
  });

  it('truncates CI_COMMIT_MESSAGE to 100 000 bytes and says so', () => {
    const vars = predefinedVariables(context({}, { message: 'x'.repeat(100_001) }));
    expect(vars.CI_COMMIT_MESSAGE).toHaveLength(100_000);
    expect(vars.CI_COMMIT_MESSAGE_IS_TRUNCATED).toBe('true');
    // Two-byte characters are never cut in half.
    const multibyte = predefinedVariables(context({}, { message: 'é'.repeat(50_001) }));
    expect(multibyte.CI_COMMIT_MESSAGE).toBe('é'.repeat(50_000));
  });
});

describe('predefinedVariables: pipeline, merge request, user', () => {
  it('sets the pipeline identifiers, and can leave out persisted ones for rules', () => {
    const vars = predefinedVariables(context());
    expect(vars).toMatchObject({
      CI_PIPELINE_ID: '1000',
      CI_PIPELINE_IID: '7',
      CI_PIPELINE_URL: 'https://gitlab.example.com:8443/Group/sub/my-project/-/pipelines/1000',
      CI_PIPELINE_CREATED_AT: '2024-05-01T10:00:00Z',
    });
    const forRules = predefinedVariables(context(), { includePersisted: false });
    expect(forRules).not.toHaveProperty('CI_PIPELINE_ID');
    expect(forRules).not.toHaveProperty('CI_PIPELINE_URL');
    expect(forRules.CI_PIPELINE_IID).toBe('7');
  });

  it('describes a merge-request pipeline', () => {
    const ctx = context({
      source: 'merge_request_event',
      ref: 'feature/Login',
      mergeRequest: { iid: 12, sourceBranch: 'feature/Login', targetBranch: 'main', title: 'Login', labels: ['ui', 'deploy'] },
    });
    const vars = predefinedVariables(ctx);
    expect(vars).toMatchObject({
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_COMMIT_REF_NAME: 'feature/Login',
      CI_MERGE_REQUEST_IID: '12',
      CI_MERGE_REQUEST_TITLE: 'Login',
      CI_MERGE_REQUEST_LABELS: 'ui,deploy',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature/Login',
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_REF_PATH: 'refs/merge-requests/12/head',
      CI_MERGE_REQUEST_EVENT_TYPE: 'detached',
      CI_MERGE_REQUEST_PROJECT_PATH: 'Group/sub/my-project',
      CI_OPEN_MERGE_REQUESTS: 'Group/sub/my-project!12',
    });
    expect(vars).not.toHaveProperty('CI_COMMIT_BRANCH');
    expect(predefinedVariables(context())).not.toHaveProperty('CI_MERGE_REQUEST_IID');
  });

  it('sets GITLAB_USER_* from the commit author unless configured', () => {
    expect(predefinedVariables(context())).toMatchObject({
      GITLAB_USER_EMAIL: 'ada@example.com',
      GITLAB_USER_NAME: 'Ada Lovelace',
      GITLAB_USER_LOGIN: 'ada',
    });
    const configured = predefinedVariables(context(), { user: { id: 5, login: 'al', name: 'A. L.', email: 'al@x.test' } });
    expect(configured).toMatchObject({ GITLAB_USER_ID: '5', GITLAB_USER_LOGIN: 'al', GITLAB_USER_NAME: 'A. L.', GITLAB_USER_EMAIL: 'al@x.test' });
  });
});

describe('jobPredefinedVariables', () => {
  it('names a parallel job', () => {
    const vars = jobPredefinedVariables({ name: 'build 1/3', stage: 'test', nodeIndex: 1, nodeTotal: 3 });
    expect(vars).toEqual({ CI_JOB_NAME: 'build 1/3', CI_JOB_NAME_SLUG: 'build-1-3', CI_JOB_STAGE: 'test', CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' });
  });

  it('sets CI_NODE_TOTAL=1 and no CI_NODE_INDEX for a plain job', () => {
    const vars = jobPredefinedVariables({ name: 'lint', stage: 'test', nodeTotal: 1 });
    expect(vars.CI_NODE_TOTAL).toBe('1');
    expect(vars).not.toHaveProperty('CI_NODE_INDEX');
    expect(vars).not.toHaveProperty('CI_JOB_MANUAL');
  });

  it('marks a played manual job', () => {
    const ctx = { playedManualJobs: ['deploy'] };
    expect(jobPredefinedVariables({ name: 'deploy', stage: 'd', nodeTotal: 1, when: 'manual' }, ctx).CI_JOB_MANUAL).toBe('true');
    expect(jobPredefinedVariables({ name: 'other', stage: 'd', nodeTotal: 1, when: 'manual' }, ctx)).not.toHaveProperty('CI_JOB_MANUAL');
  });

  it('adds CI_ENVIRONMENT_* for jobs with an environment', () => {
    const vars = jobPredefinedVariables({
      name: 'review',
      stage: 'deploy',
      nodeTotal: 1,
      environment: { name: 'review/feat', url: 'https://feat.example.com' },
    });
    expect(vars).toMatchObject({
      CI_ENVIRONMENT_NAME: 'review/feat',
      CI_ENVIRONMENT_SLUG: environmentSlug('review/feat'),
      CI_ENVIRONMENT_URL: 'https://feat.example.com',
      CI_ENVIRONMENT_ACTION: 'start',
      CI_ENVIRONMENT_TIER: 'development',
    });
    const stop = jobPredefinedVariables({ name: 's', stage: 'd', nodeTotal: 1, environment: { name: 'production', action: 'stop' } });
    expect(stop).toMatchObject({ CI_ENVIRONMENT_ACTION: 'stop', CI_ENVIRONMENT_TIER: 'production' });
    expect(stop).not.toHaveProperty('CI_ENVIRONMENT_URL');
  });

  it.each([
    ['production', 'production'],
    ['prd-eu', 'production'],
    ['live', 'production'],
    ['staging', 'staging'],
    ['pre-prod', 'staging'],
    ['nonprod', 'staging'],
    ['qa', 'testing'],
    ['test-production', 'testing'],
    ['review/app', 'development'],
    ['customer-portal', 'other'],
  ])('guesses the tier of %j as %j', (name, tier) => {
    expect(environmentTier({ name })).toBe(tier);
  });

  it('prefers deployment_tier over the guess', () => {
    expect(environmentTier({ name: 'customer-portal', deploymentTier: 'production' })).toBe('production');
  });
});

describe('runnerVariables', () => {
  it('adds the job-only variables', () => {
    const vars = runnerVariables({
      jobId: 42,
      projectDir: '/builds/group/app',
      buildsDir: '/builds',
      executor: 'docker',
      projectUrl: 'https://gitlab.example.com/group/app',
      timeoutSeconds: 3600,
      image: 'alpine:3',
      runner: { tags: ['docker', 'linux'], version: '17.0.0' },
    });
    expect(vars).toMatchObject({
      CI_JOB_ID: '42',
      CI_JOB_URL: 'https://gitlab.example.com/group/app/-/jobs/42',
      CI_PROJECT_DIR: '/builds/group/app',
      CI_BUILDS_DIR: '/builds',
      CI_SERVER: 'yes',
      CI_JOB_STATUS: 'running',
      CI_JOB_TIMEOUT: '3600',
      CI_JOB_IMAGE: 'alpine:3',
      CI_DISPOSABLE_ENVIRONMENT: 'true',
      CI_RUNNER_TAGS: '["docker", "linux"]',
      CI_RUNNER_VERSION: '17.0.0',
    });
    expect(vars).not.toHaveProperty('CI_SHARED_ENVIRONMENT');
  });

  it('marks the shell executor as shared', () => {
    const vars = runnerVariables({ jobId: 1, projectDir: '/p', buildsDir: '/b', executor: 'shell' });
    expect(vars.CI_SHARED_ENVIRONMENT).toBe('true');
    expect(vars).not.toHaveProperty('CI_DISPOSABLE_ENVIRONMENT');
    expect(vars).not.toHaveProperty('CI_JOB_IMAGE');
  });
});
