// The image for one container, the way GitLab Runner's pull manager gets it
// (runner-behavior.md §3, executors/docker/internal/pull): allowlist, effective pull policies, then
// each policy in order with GitLab's fallback lines, credentials resolved only when a pull happens.
import type { PullPolicy } from '../../../model/config.js';
import type { JobVariable } from '../../../model/plan.js';
import type { DockerSettings } from '../../../model/runner.js';
import type { RunnerLineKind } from '../../../log/runner-lines.js';
import type { DockerClient, ImageFacts, PullProgress } from '../client.js';
import { ExecutorError } from '../../../errors.js';
import { verifyAllowedImage } from '../../images/allowlist.js';
import type { HelperRunner } from '../../images/credential-helpers.js';
import { lookupCredentials, type CredentialLookup } from '../../images/credentials.js';
import { parseImageReference, pullReference } from '../../images/image-reference.js';
import { effectivePullPolicies, formatPolicies, type EffectivePolicies } from '../../images/policies.js';
import { engineFailure, PullFailure } from './pull-errors.js';
import { deniedFailure, missingFailure, notFoundFailure } from './pull-messages.js';
import { pullWithRetry } from './pull-image.js';

export interface ImageRequest {
  /** The image as written, after variable expansion. */
  name: string;
  /** `image` for the job's image, `service` for a service. */
  kind: 'image' | 'service';
  /** True for the runner's own default image and `[[runners.docker.services]]`: allowlists do not apply. */
  internal: boolean;
  /** `pull_policy` from the YAML, when given. */
  pullPolicy?: PullPolicy[];
  /** `image:docker:platform`. */
  platform?: string;
}

/** What one job remembers across its images: GitLab reuses an image it already resolved to the same ID. */
export interface PullSession {
  /** Image name → image ID resolved earlier in this job. */
  usedImages: Map<string, string>;
  /** One-time notices already written to this job's log. */
  notices: Set<string>;
}

export function createPullSession(): PullSession {
  return { usedImages: new Map(), notices: new Set() };
}

export interface PullContext {
  client: DockerClient;
  settings: DockerSettings;
  /** The job's variables (DOCKER_AUTH_CONFIG among them). */
  variables: readonly JobVariable[];
  /** `[[runners]] environment` entries (a DOCKER_AUTH_CONFIG there is the second source). */
  runnerEnvironment: readonly { key: string; value: string }[];
  /** The host environment (HOME, DOCKER_CONFIG, PATH for docker-credential-* helpers). */
  env: Readonly<Record<string, string | undefined>>;
  /** Writes one runner line to the job log. */
  log: (kind: RunnerLineKind, message: string) => void;
  onProgress?: (progress: PullProgress) => void;
  /** Per-job state; without one, each context object gets its own. */
  session?: PullSession;
  /** Cancels waiting between pull retries and further policies. */
  signal?: AbortSignal;
  /** Pause before retry `attempt + 1` of a transient pull failure, in ms (default 2–10 s, jittered). */
  retryDelayMs?: (attempt: number) => number;
  /** Runs docker-credential-* helpers (default: the real programs on PATH). */
  runCredentialHelper?: HelperRunner;
}

const implicitSessions = new WeakMap<PullContext, PullSession>();

function sessionOf(ctx: PullContext): PullSession {
  if (ctx.session) return ctx.session;
  let session = implicitSessions.get(ctx);
  if (!session) {
    session = createPullSession();
    implicitSessions.set(ctx, session);
  }
  return session;
}

const GLCI_DEFAULT_NOTICE =
  'glci uses the "if-not-present" pull policy because there is no config.toml (works offline with local images; set pull_policy in [runners.docker] or in the job to change it)';

/** Checks the allowlist, applies the pull policies in order with GitLab's fallback, and returns the image. */
export async function resolveImage(request: ImageRequest, ctx: PullContext): Promise<ImageFacts> {
  verifyAllowedImage(request, ctx.settings, ctx.log);
  const effective = effectivePullPolicies(request.name, request.pullPolicy, ctx.settings);
  ctx.log('print', `Using effective pull policy of ${formatPolicies(effective.policies)} for container ${request.name}`);
  noteGlciDefault(effective, ctx);
  let last: PullFailure | undefined;
  for (const [index, policy] of effective.policies.entries()) {
    ctx.signal?.throwIfAborted();
    if (index > 0) ctx.log('info', `Attempt #${index + 1}: Trying "${policy}" pull policy`);
    try {
      const facts = await imageWithPolicy(request, policy, ctx);
      markUsed(request.name, facts, ctx);
      return facts;
    } catch (error) {
      if (ctx.signal?.aborted) throw error;
      last = engineFailure(error, ctx.client.address);
      ctx.log('warn', `Failed to pull image with policy "${policy}": ${last.message}`);
    }
  }
  throw finalError(request.name, effective.policies, last as PullFailure, ctx.client.address);
}

function noteGlciDefault(effective: EffectivePolicies, ctx: PullContext): void {
  if (!effective.glciDefault || effective.policies.length !== 1 || effective.policies[0] !== 'if-not-present') return;
  const notices = sessionOf(ctx).notices;
  if (notices.has(GLCI_DEFAULT_NOTICE)) return;
  notices.add(GLCI_DEFAULT_NOTICE);
  ctx.log('print', GLCI_DEFAULT_NOTICE);
}

async function inspect(name: string, ctx: PullContext): Promise<ImageFacts | PullFailure | null> {
  try {
    return await ctx.client.inspectImage(name);
  } catch (error) {
    return engineFailure(error, ctx.client.address);
  }
}

/** One policy (GitLab's getImageUsingPullPolicy); throws a PullFailure when it cannot deliver. */
async function imageWithPolicy(request: ImageRequest, policy: PullPolicy, ctx: PullContext): Promise<ImageFacts> {
  const local = await inspect(request.name, ctx);
  const present = local !== null && !(local instanceof PullFailure) ? local : null;
  if (present && sessionOf(ctx).usedImages.get(request.name) === present.id) return present;
  if (policy === 'never') {
    if (present) return present;
    throw local instanceof PullFailure ? local : missingFailure(request.name);
  }
  if (present && present.id === request.name) return present; // an image ID: nothing to pull
  if (present && policy === 'if-not-present') {
    ctx.log('print', 'Using locally found image version due to "if-not-present" pull policy');
    return present;
  }
  return pull(request, ctx);
}

/** Credentials for the pull; a refused helper name fails this policy like any other pull error. */
async function credentialsFor(name: string, ctx: PullContext): Promise<CredentialLookup> {
  try {
    return await lookupCredentials(name, {
      variables: ctx.variables,
      runnerEnvironment: ctx.runnerEnvironment,
      env: ctx.env,
      log: ctx.log,
      ...(ctx.runCredentialHelper ? { runHelper: ctx.runCredentialHelper } : {}),
    });
  } catch (error) {
    if (error instanceof ExecutorError) throw new PullFailure('config', error.message, undefined, error.hint, error.code);
    throw error;
  }
}

async function pull(request: ImageRequest, ctx: PullContext): Promise<ImageFacts> {
  const lookup = await credentialsFor(request.name, ctx);
  if (lookup.match) ctx.log('print', `Authenticating with credentials from ${lookup.match.source}`);
  const platform = request.platform ? ` for platform ${request.platform}` : '';
  ctx.log('print', `Pulling docker image ${request.name}${platform} ...`);
  const reference = pullReference(request.name);
  try {
    await pullWithRetry({
      client: ctx.client,
      reference,
      auth: lookup.match?.auth,
      log: ctx.log,
      ...(request.platform ? { platform: request.platform } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
      ...(ctx.retryDelayMs ? { retryDelayMs: ctx.retryDelayMs } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  } catch (error) {
    const failure = engineFailure(error, ctx.client.address);
    if (failure.kind === 'denied') throw deniedFailure(failure, lookup);
    if (failure.kind === 'not-found') throw notFoundFailure(failure, reference);
    throw failure;
  }
  const pulled = await inspect(request.name, ctx);
  if (pulled instanceof PullFailure) throw pulled;
  if (!pulled) throw new PullFailure('failed', `the pull of ${reference} finished, but the engine has no image ${request.name}`);
  return pulled;
}

/** The repo digest of the image's own repository; GitLab shows the first one, which may be another's. */
function digestFor(name: string, facts: ImageFacts): string | undefined {
  const reference = parseImageReference(name);
  const repository = reference ? (reference.domain ? `${reference.domain}/${reference.path}` : reference.path) : undefined;
  return facts.repoDigests.find((d) => d.split('@')[0] === repository) ?? facts.repoDigests[0];
}

function markUsed(name: string, facts: ImageFacts, ctx: PullContext): void {
  sessionOf(ctx).usedImages.set(name, facts.id);
  if (name === facts.id) return;
  const digest = digestFor(name, facts);
  ctx.log('print', digest ? `Using docker image ${facts.id} for ${name} with digest ${digest} ...` : `Using docker image ${facts.id} for ${name} ...`);
}

function finalError(name: string, policies: PullPolicy[], last: PullFailure, address: string): ExecutorError {
  const detail = last.detail ? `; ${last.detail}` : '';
  return new ExecutorError(
    last.code,
    `failed to pull image "${name}" with specified policies ${formatPolicies(policies)}: ${last.message} (Docker engine ${address}${detail})`,
    last.hint,
    { cause: last },
  );
}
