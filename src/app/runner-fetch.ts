// The get_sources settings of one GitLab job (its variables and git_info) for the runner's fetch.
import type { RunnerTlsFiles } from '../gitlab/runner-tls.js';
import type { JobPayload } from '../model/job-payload.js';
import { fetchSources } from '../platform/git-fetch.js';
import { gitFetchSettings } from '../platform/git-fetch-settings.js';
import type { FetchSources } from './runner-sources.js';

export interface RunnerFetchSettings {
  /** The runner's TLS files towards GitLab: git trusts the CA and shows the client certificate for GitLab's URL only. */
  tls?: RunnerTlsFiles;
  /** `clone_url`: git fetches `<clone_url>/<project path>.git` instead of the payload's repo_url. */
  cloneUrl?: string;
}

/**
 * GitLab Runner's remote URL: with `clone_url`, that URL with the project's path and the job token
 * (`gitlab-ci-token:<token>@`); else the payload's repo_url. A clone_url without a scheme is not used.
 */
export function remoteUrlOf(payload: JobPayload, cloneUrl: string | undefined): string {
  if (!cloneUrl) return payload.git_info.repo_url;
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    return payload.git_info.repo_url;
  }
  const project = payload.job_info.project_full_path;
  if (!project) return payload.git_info.repo_url;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${project}.git`;
  url.username = 'gitlab-ci-token';
  url.password = payload.token;
  return url.toString();
}

export function jobSourcesFetcher(payload: JobPayload, dir: string, runner: RunnerFetchSettings = {}): FetchSources {
  // An absent allow_git_fetch is Go's zero value in GitLab Runner: clone.
  const { settings, warnings } = gitFetchSettings(payload.variables, payload.git_info.depth, payload.allow_git_fetch ?? false);
  const git = payload.git_info;
  return async (print, signal) => {
    for (const warning of warnings) print('warn', warning);
    await fetchSources({
      dir,
      repoUrl: remoteUrlOf(payload, runner.cloneUrl),
      sha: git.sha,
      ref: git.ref,
      refType: git.ref_type,
      refspecs: git.refspecs ?? [],
      ...settings,
      ...(git.repo_object_format ? { objectFormat: git.repo_object_format } : {}),
      ...(runner.tls ? { tls: runner.tls } : {}),
      secrets: [payload.token],
      print,
      signal,
    });
  };
}
