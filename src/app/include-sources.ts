// Where includes come from, for every command that loads a configuration: the GitLab instance and
// its token, the include cache, offline mode. The reader itself is platform/source-reader.ts.
// - instance: GLCI_GITLAB_URL; without it https://gitlab.com serves templates (and components
//   addressed on gitlab.com), never projects: a bare project path does not say which instance;
// - token: GLCI_GITLAB_TOKEN (for that instance), else glab's login for its host, read from glab's
//   config.yml only when the API is first used;
// - cache: `$XDG_CACHE_HOME/glci/includes`, else `~/.cache/glci/includes` (the XDG base directory
//   layout glci's config.toml and glci.yml follow);
// - offline: `--offline` or GLCI_OFFLINE=1.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { glabToken } from '../config/glab-config.js';
import type { CacheUse, FileSourceReaderOptions, GitLabCredential, GitLabInstance } from '../platform/source-reader.js';
import { cacheNote } from './include-notes.js';

export type Env = Readonly<Record<string, string | undefined>>;

export const PUBLIC_GITLAB = 'https://gitlab.com';

export interface IncludeOptions {
  /** `--offline`; GLCI_OFFLINE=1 counts as well. */
  offline?: boolean;
  /** Where the notes about cached files go (default: stderr). */
  notes?: { write(text: string): unknown };
  /** Clock for the age of cached files (tests). */
  now?: () => Date;
}

export function includeReaderOptions(projectDir: string, include: IncludeOptions, env: Env): FileSourceReaderOptions {
  const configured = env.GLCI_GITLAB_URL ? instance(env.GLCI_GITLAB_URL, env) : null;
  const now = include.now ?? (() => new Date());
  const printed = new Set<string>();
  const notes = include.notes ?? process.stderr;
  return {
    projectDir,
    env,
    ...(configured ? { gitlab: configured } : { publicGitlab: instance(PUBLIC_GITLAB, env) }),
    cacheDir: includeCacheDir(env),
    offline: include.offline === true || isTruthy(env.GLCI_OFFLINE),
    now,
    onCacheUse: (use: CacheUse) => {
      const line = cacheNote(use, now());
      // One note per file and load, however often the file is included.
      if (printed.has(line)) return;
      printed.add(line);
      notes.write(`${line}\n`);
    },
  };
}

/** `$XDG_CACHE_HOME/glci/includes`, else `~/.cache/glci/includes`. */
export function includeCacheDir(env: Env): string {
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'glci', 'includes');
  return join(env.HOME || homedir(), '.cache', 'glci', 'includes');
}

/**
 * glab's global config.yml, in glab's order: `$GLAB_CONFIG_DIR`; else `~/.config/glab-cli` (where
 * older glab versions always wrote it), then `$XDG_CONFIG_HOME/glab-cli`, then on macOS
 * `~/Library/Application Support/glab-cli`.
 */
export function glabConfigFiles(env: Env, platform: NodeJS.Platform = process.platform): string[] {
  if (env.GLAB_CONFIG_DIR) return [join(env.GLAB_CONFIG_DIR, 'config.yml')];
  const home = env.HOME || homedir();
  const files = [join(home, '.config', 'glab-cli', 'config.yml')];
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) files.push(join(xdg, 'glab-cli', 'config.yml'));
  if (platform === 'darwin') files.push(join(home, 'Library', 'Application Support', 'glab-cli', 'config.yml'));
  return [...new Set(files)];
}

/** The token for `url`: GLCI_GITLAB_TOKEN (it belongs to GLCI_GITLAB_URL, default gitlab.com), else glab's login. */
export async function gitlabCredential(url: string, env: Env): Promise<GitLabCredential | null> {
  const own = (env.GLCI_GITLAB_URL || PUBLIC_GITLAB).replace(/\/+$/, '');
  if (env.GLCI_GITLAB_TOKEN && url.replace(/\/+$/, '') === own) return { token: env.GLCI_GITLAB_TOKEN, source: 'GLCI_GITLAB_TOKEN' };
  const host = hostOf(url);
  for (const file of glabConfigFiles(env)) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    const token = glabToken(text, host);
    // glab reads the first config file that exists, so a later one is never consulted.
    return token ? { token, source: `glab's login for ${host} (${file})` } : null;
  }
  return null;
}

function instance(url: string, env: Env): GitLabInstance {
  return { url, credential: () => gitlabCredential(url, env) };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** oclif's reading of a boolean flag's environment variable. */
function isTruthy(value: string | undefined): boolean {
  return ['1', 'true', 'y', 'yes'].includes((value ?? '').toLowerCase());
}
