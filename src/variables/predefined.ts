// Predefined variables of the pre-pipeline and pipeline levels, derived from a PipelineContext
// (gitlab-ci-yaml.md §7.4). Job-level and runner-level ones live in job-variables.ts.
import { UsageError } from '../errors.js';
import type { PipelineContext } from '../model/plan.js';
import { externalPullRequestVariables, mergeRequestVariables } from './merge-request-variables.js';
import { slugify } from './slug.js';

/** GitLab version reported in `CI_SERVER_VERSION` unless the caller configures another one. */
export const DEFAULT_SERVER_VERSION = '18.4.0';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/**
 * Variables that exist only once a job record exists: usable where the runner or shell expands, not in
 * `rules`/`only`/`except` expressions (gitlab-ci-yaml.md §7.3, "Persisted variables").
 */
export const PERSISTED_VARIABLES: ReadonlySet<string> = new Set([
  'CI_PIPELINE_ID',
  'CI_PIPELINE_URL',
  'CI_JOB_ID',
  'CI_JOB_URL',
  'CI_JOB_TOKEN',
  'CI_JOB_STARTED_AT',
  'CI_REGISTRY_USER',
  'CI_REGISTRY_PASSWORD',
  'CI_REPOSITORY_URL',
  'CI_DEPLOY_USER',
  'CI_DEPLOY_PASSWORD',
]);

export interface PredefinedOptions {
  /** `CI_PROJECT_ID` (default 0: a local run has no project record). */
  projectId?: number;
  namespaceId?: number;
  /** `CI_CONFIG_PATH` (default `.gitlab-ci.yml`). */
  configPath?: string;
  serverVersion?: string;
  /** `CI_COMMIT_BEFORE_SHA` when the context has none (default 40 zeros, as for new branches and manual runs). */
  beforeSha?: string;
  /** `CI_COMMIT_REF_PROTECTED` when the context does not say (default: true for the default branch only). */
  refProtected?: boolean;
  visibility?: 'private' | 'internal' | 'public';
  /** Container registry host; `CI_REGISTRY*` are only set when a registry is configured. */
  registry?: string;
  /** Pages domain; `CI_PAGES_*` are only set when given. */
  pagesDomain?: string;
  /** `CI_PIPELINE_NAME` (the expanded `workflow:name`). */
  pipelineName?: string;
  /** The pipeline creator (`GITLAB_USER_*`); defaults to the commit author. */
  user?: { id?: number; login?: string; name?: string; email?: string };
  /** false: leave out PERSISTED_VARIABLES (for evaluating `rules`). Default true. */
  includePersisted?: boolean;
}

type Vars = Record<string, string>;

function serverVariables(serverUrl: string, options: PredefinedOptions): Vars {
  const base = serverUrl.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`invalid GitLab server URL: ${serverUrl}`, 'give a URL such as https://gitlab.example.com');
  }
  const protocol = url.protocol.replace(/:$/, '');
  const port = url.port || (protocol === 'https' ? '443' : '80');
  const version = options.serverVersion ?? DEFAULT_SERVER_VERSION;
  const [major = '0', minor = '0', patch = '0'] = version.split(/[.-]/);
  return {
    CI_SERVER_URL: base,
    CI_SERVER_HOST: url.hostname,
    CI_SERVER_PORT: port,
    CI_SERVER_PROTOCOL: protocol,
    // URL.host already omits the protocol's default port, which is what FQDN wants.
    CI_SERVER_FQDN: url.host,
    CI_SERVER_NAME: 'GitLab',
    CI_SERVER_VERSION: version,
    CI_SERVER_VERSION_MAJOR: major,
    CI_SERVER_VERSION_MINOR: minor,
    CI_SERVER_VERSION_PATCH: patch,
    CI_SERVER_REVISION: '',
    CI_SERVER_SHELL_SSH_HOST: url.hostname,
    CI_SERVER_SHELL_SSH_PORT: '22',
    CI_API_V4_URL: `${base}/api/v4`,
    CI_API_GRAPHQL_URL: `${base}/api/graphql`,
    CI_TEMPLATE_REGISTRY_HOST: 'registry.gitlab.com',
  };
}

/** `<server>/<project path>`: the base of every CI_*_URL. */
export function projectUrl(ctx: Pick<PipelineContext, 'serverUrl' | 'projectPath'>): string {
  return `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.projectPath}`;
}

function projectVariables(ctx: PipelineContext, options: PredefinedOptions): Vars {
  const segments = ctx.projectPath.split('/');
  const name = segments[segments.length - 1] ?? ctx.projectPath;
  const namespace = segments.slice(0, -1).join('/');
  const vars: Vars = {
    CI_PROJECT_ID: String(options.projectId ?? 0),
    CI_PROJECT_NAME: name,
    CI_PROJECT_TITLE: name,
    CI_PROJECT_DESCRIPTION: '',
    CI_PROJECT_PATH: ctx.projectPath,
    CI_PROJECT_PATH_SLUG: slugify(ctx.projectPath),
    CI_PROJECT_NAMESPACE: namespace,
    CI_PROJECT_NAMESPACE_SLUG: slugify(namespace),
    CI_PROJECT_NAMESPACE_ID: String(options.namespaceId ?? 0),
    CI_PROJECT_ROOT_NAMESPACE: segments.length > 1 ? segments[0]! : '',
    CI_PROJECT_URL: projectUrl(ctx),
    CI_PROJECT_VISIBILITY: options.visibility ?? 'private',
    CI_PROJECT_REPOSITORY_LANGUAGES: '',
    CI_PROJECT_CLASSIFICATION_LABEL: '',
    CI_DEFAULT_BRANCH: ctx.git.defaultBranch,
    CI_CONFIG_PATH: options.configPath ?? '.gitlab-ci.yml',
  };
  if (options.registry) {
    vars.CI_REGISTRY = options.registry;
    // Registry repository paths are lowercase.
    vars.CI_REGISTRY_IMAGE = `${options.registry}/${ctx.projectPath.toLowerCase()}`;
  }
  if (options.pagesDomain && segments.length > 1) {
    vars.CI_PAGES_DOMAIN = options.pagesDomain;
    vars.CI_PAGES_URL = `https://${segments[0]!.toLowerCase()}.${options.pagesDomain}/${segments.slice(1).join('/')}`;
  }
  return vars;
}

const MESSAGE_LIMIT_BYTES = 100_000;

/** Cuts to at most `limit` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, limit: number): { text: string; truncated: boolean } {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= limit) return { text, truncated: false };
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: new TextDecoder().decode(bytes.subarray(0, end)), truncated: true };
}

/** GitLab's Commit#full_title: the first line (split on `\r` or `\n`). */
export function commitTitle(message: string): string {
  if (message.trim() === '') return 'No commit message';
  return message.split(/[\r\n]/, 1)[0]!;
}

/** GitLab's Commit#description: the whole message for long titles, else the rest after the first line. */
export function commitDescription(message: string): string {
  if (commitTitle(message).length >= 100) return message;
  if (message.trim() === '') return 'No commit message';
  const newline = message.indexOf('\n');
  if (newline < 0) return '';
  // Ruby's chomp: one trailing \r\n, \n or \r.
  return message.slice(newline + 1).replace(/(?:\r\n|\n|\r)$/, '');
}

function commitVariables(ctx: PipelineContext, options: PredefinedOptions): Vars {
  const { git } = ctx;
  const mergeRequestPipeline = ctx.source === 'merge_request_event';
  // In merge-request pipelines the ref is the source branch, and CI_COMMIT_BRANCH is absent.
  const refName = mergeRequestPipeline && ctx.mergeRequest ? ctx.mergeRequest.sourceBranch : ctx.ref;
  const message = truncateUtf8(git.message, MESSAGE_LIMIT_BYTES);
  const vars: Vars = {
    CI_COMMIT_SHA: git.sha,
    CI_COMMIT_SHORT_SHA: git.sha.slice(0, 8),
    // GitLab documents it as always zeros in merge request pipelines.
    CI_COMMIT_BEFORE_SHA: mergeRequestPipeline ? ZERO_SHA : (ctx.beforeSha ?? options.beforeSha ?? ZERO_SHA),
    CI_COMMIT_REF_NAME: refName,
    CI_COMMIT_REF_SLUG: slugify(refName),
  };
  if (ctx.refKind === 'branch' && !mergeRequestPipeline) vars.CI_COMMIT_BRANCH = refName;
  if (ctx.refKind === 'tag') {
    vars.CI_COMMIT_TAG = ctx.ref;
    vars.CI_COMMIT_TAG_MESSAGE = git.tag === ctx.ref ? (git.tagMessage ?? '') : '';
  }
  vars.CI_COMMIT_MESSAGE = message.text;
  if (message.truncated) vars.CI_COMMIT_MESSAGE_IS_TRUNCATED = 'true';
  vars.CI_COMMIT_TITLE = commitTitle(git.message);
  vars.CI_COMMIT_DESCRIPTION = commitDescription(git.message);
  vars.CI_COMMIT_TIMESTAMP = git.timestamp;
  vars.CI_COMMIT_AUTHOR = `${git.authorName} <${git.authorEmail}>`;
  // A merge request pipeline runs on refs/merge-requests/<iid>/head, which GitLab never protects.
  const isDefaultBranch = ctx.refKind === 'branch' && !mergeRequestPipeline && refName === git.defaultBranch;
  vars.CI_COMMIT_REF_PROTECTED = String(ctx.refProtected ?? options.refProtected ?? isDefaultBranch);
  return vars;
}

function pipelineVariables(ctx: PipelineContext, options: PredefinedOptions): Vars {
  const vars: Vars = {
    CI_PIPELINE_SOURCE: ctx.source,
    CI_PIPELINE_IID: String(ctx.pipelineIid),
    CI_PIPELINE_CREATED_AT: ctx.createdAt,
  };
  if (options.includePersisted !== false) {
    vars.CI_PIPELINE_ID = String(ctx.pipelineId);
    vars.CI_PIPELINE_URL = `${projectUrl(ctx)}/-/pipelines/${ctx.pipelineId}`;
  }
  if (options.pipelineName !== undefined) vars.CI_PIPELINE_NAME = options.pipelineName;
  if (ctx.source === 'schedule') vars.CI_PIPELINE_SCHEDULE_DESCRIPTION = ctx.scheduleDescription ?? '';
  // Set when a trigger token created the pipeline, which is what the `trigger` source means.
  if (ctx.source === 'trigger') vars.CI_PIPELINE_TRIGGERED = 'true';
  // ChatOps passes the command's arguments and channel as variables of the pipeline it creates.
  if (ctx.source === 'chat') Object.assign(vars, { CHAT_INPUT: '', CHAT_CHANNEL: '', CHAT_USER_ID: '' });
  if (ctx.mergeRequest) vars.CI_OPEN_MERGE_REQUESTS = `${ctx.projectPath}!${ctx.mergeRequest.iid}`;
  return vars;
}

function userVariables(ctx: PipelineContext, options: PredefinedOptions): Vars {
  const user = options.user ?? {};
  const email = user.email ?? ctx.git.authorEmail;
  return {
    GITLAB_USER_ID: String(user.id ?? 0),
    GITLAB_USER_EMAIL: email,
    GITLAB_USER_LOGIN: user.login ?? (email.split('@')[0] || 'user'),
    GITLAB_USER_NAME: user.name ?? ctx.git.authorName,
  };
}

/** Predefined variables known before any job exists, in GitLab's precedence slot "predefined". */
export function predefinedVariables(ctx: PipelineContext, options: PredefinedOptions = {}): Record<string, string> {
  return {
    CI: 'true',
    GITLAB_CI: 'true',
    ...serverVariables(ctx.serverUrl, options),
    ...projectVariables(ctx, options),
    ...commitVariables(ctx, options),
    ...pipelineVariables(ctx, options),
    ...mergeRequestVariables(ctx, projectUrl(ctx), String(options.projectId ?? 0)),
    ...externalPullRequestVariables(ctx),
    ...userVariables(ctx, options),
  };
}
