// The only code that asks git for facts about the checkout. Start-up time matters (DESIGN.md habit 10), so
// the usual case costs three short git processes run in parallel: `rev-parse` (top level, HEAD's ref and
// origin/HEAD), `log -1` (commit facts and tags at HEAD) and `config` (remote URL, default branch, user).
// A fourth runs only when HEAD is detached on a tag (its message) or the branch has no commit yet.
import { basename } from 'node:path';
import type { GitFacts } from '../model/plan.js';
import { runGit as git, type GitResult } from './run-git.js';

export { listProjectFiles } from './project-files.js';

const ZERO_SHA = '0000000000000000000000000000000000000000';
const ORIGIN_HEAD = 'refs/remotes/origin/HEAD';

export interface ReadGitFactsOptions {
  /** Clock for the commit timestamp when there is no commit (tests pin it). */
  now?: () => Date;
}

interface RevParse {
  topLevel: string | null;
  /** `refs/heads/x`, or `HEAD` when detached (or unborn). */
  headRef: string | null;
  originHead: string | null;
}

function parseRevParse(result: GitResult): RevParse {
  // rev-parse prints one line per argument and stops at the first it cannot resolve, so a missing
  // origin/HEAD (echoed back verbatim) or an unborn HEAD still leaves the earlier lines usable.
  const [topLevel, headRef, originHead] = result.stdout.split(/\r?\n/);
  const origin = originHead?.startsWith('refs/remotes/origin/') && originHead !== ORIGIN_HEAD ? originHead : null;
  return {
    topLevel: topLevel ? topLevel : null,
    headRef: headRef ? headRef : null,
    originHead: origin ? origin.slice('refs/remotes/origin/'.length) : null,
  };
}

interface Commit {
  sha: string;
  authorName: string;
  authorEmail: string;
  timestamp: string;
  tags: string[];
  message: string;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the xmlschema form GitLab gives CI_COMMIT_TIMESTAMP. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseLog(result: GitResult): Commit | null {
  if (!result.ok) return null;
  const [sha, authorName, authorEmail, unixTime, decorations, ...rest] = result.stdout.split('\0');
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) return null;
  const tags = (decorations ?? '')
    .split(', ')
    .filter((d) => d.startsWith('tag: '))
    .map((d) => d.slice('tag: '.length));
  return {
    sha,
    authorName: authorName ?? '',
    authorEmail: authorEmail ?? '',
    timestamp: isoSeconds(new Date(Number(unixTime) * 1000)),
    tags,
    // %B is the raw message (with its trailing newline); -z ends the record with one NUL.
    message: rest.join('\0').replace(/\0$/, ''),
  };
}

type GitConfig = Partial<Record<'remote.origin.url' | 'init.defaultbranch' | 'user.name' | 'user.email', string>>;

function parseConfig(result: GitResult): GitConfig {
  const config: Record<string, string> = {};
  for (const entry of result.stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline > 0) config[entry.slice(0, newline)] = entry.slice(newline + 1);
  }
  return config;
}

/** The tag to report for a detached HEAD: an annotated one first (as `git describe` prefers), newest first. */
async function readTag(dir: string, candidates: string[]): Promise<{ tag: string; message: string | null } | null> {
  const refs = candidates.map((t) => `refs/tags/${t}`);
  const format = '%(refname:strip=2)%00%(objecttype)%00%(contents)%00';
  const result = await git(dir, ['for-each-ref', '--sort=-creatordate', `--format=${format}`, ...refs]);
  if (!result.ok) return null;
  const entries: { tag: string; message: string | null }[] = [];
  for (const record of result.stdout.split('\0\n')) {
    const [tag, type, message] = record.split('\0');
    if (tag) entries.push({ tag, message: type === 'tag' ? (message ?? '') : null });
  }
  return entries.find((e) => e.message !== null) ?? entries[0] ?? null;
}

async function unbornBranch(dir: string): Promise<string | null> {
  const result = await git(dir, ['symbolic-ref', '-q', '--short', 'HEAD']);
  return result.ok && result.stdout.trim() !== '' ? result.stdout.trim() : null;
}

async function resolveRef(
  dir: string,
  rev: RevParse,
  commit: Commit | null,
): Promise<{ branch: string | null; tag: { tag: string; message: string | null } | null }> {
  if (rev.headRef?.startsWith('refs/heads/')) return { branch: rev.headRef.slice('refs/heads/'.length), tag: null };
  if (!commit) return { branch: rev.topLevel ? await unbornBranch(dir) : null, tag: null };
  // Detached HEAD: a tag pipeline when a tag points at it.
  const tag = commit.tags.length > 0 ? await readTag(dir, commit.tags) : null;
  return { branch: null, tag };
}

/**
 * Facts about the checkout at `dir` and its top level (null outside a git work tree). Outside a repository
 * or before the first commit the sha is 40 zeros and the branch is the unborn one, else the default branch.
 */
export async function readGitFacts(
  dir: string,
  options: ReadGitFactsOptions = {},
): Promise<{ topLevel: string | null; facts: GitFacts }> {
  const logFormat = '--format=%H%x00%an%x00%ae%x00%ct%x00%D%x00%B';
  const [revResult, logResult, configResult] = await Promise.all([
    git(dir, ['rev-parse', '--show-toplevel', '--symbolic-full-name', 'HEAD', ORIGIN_HEAD]),
    git(dir, ['-c', 'log.showSignature=false', 'log', '-1', '-z', '--no-color', '--decorate-refs=refs/tags/', logFormat]),
    git(dir, ['config', '-z', '--get-regexp', '^(remote\\.origin\\.url|init\\.defaultbranch|user\\.name|user\\.email)$']),
  ]);
  const rev = parseRevParse(revResult);
  const commit = parseLog(logResult);
  const config = parseConfig(configResult);
  const defaultBranch = rev.originHead ?? config['init.defaultbranch'] ?? 'main';
  const { branch, tag } = await resolveRef(dir, rev, commit);
  const now = options.now ?? (() => new Date());
  const facts: GitFacts = {
    sha: commit?.sha ?? ZERO_SHA,
    branch: branch ?? (commit ? null : defaultBranch),
    tag: tag?.tag ?? null,
    tagMessage: tag?.message ?? null,
    message: commit?.message ?? '',
    authorName: commit?.authorName ?? config['user.name'] ?? '',
    authorEmail: commit?.authorEmail ?? config['user.email'] ?? '',
    timestamp: commit?.timestamp ?? isoSeconds(now()),
    remoteUrl: config['remote.origin.url'] ?? null,
    defaultBranch,
  };
  return { topLevel: rev.topLevel, facts };
}

/** The path part of a remote URL (`group/sub/project`), or null for local paths and unknown forms. */
function remotePath(url: string): string | null {
  let path: string | undefined;
  const withScheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/]*@)?[^/]*(\/.*)?$/.exec(url);
  if (withScheme) {
    if (withScheme[1]!.toLowerCase() === 'file') return null;
    path = withScheme[2];
  } else {
    // scp-like `user@host:group/project.git`; a one-letter "host" is a Windows drive (`C:\repo`).
    const scp = /^(?:[^@/]+@)?([^:/\\]+):(.+)$/.exec(url);
    if (!scp || scp[1]!.length < 2) return null;
    path = scp[2];
  }
  const cleaned = (path ?? '').replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  try {
    return decodeURIComponent(cleaned) || null;
  } catch {
    return cleaned || null;
  }
}

/** `CI_PROJECT_PATH` for a checkout: the remote's path (ssh or https forms, `.git` stripped), else `dirName`. */
export function projectPathFromRemote(url: string | null, dirName: string): string {
  const fromRemote = url ? remotePath(url.trim()) : null;
  return fromRemote ?? basename(dirName);
}
