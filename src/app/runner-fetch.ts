// The get_sources settings of one GitLab job (its variables and git_info) for the runner's fetch.
import type { JobPayload } from '../model/job-payload.js';
import { fetchSources } from '../platform/git-fetch.js';
import { gitFetchSettings } from '../platform/git-fetch-settings.js';
import type { FetchSources } from './runner-sources.js';

export function jobSourcesFetcher(payload: JobPayload, dir: string): FetchSources {
  // An absent allow_git_fetch is Go's zero value in GitLab Runner: clone.
  const { settings, warnings } = gitFetchSettings(payload.variables, payload.git_info.depth, payload.allow_git_fetch ?? false);
  const git = payload.git_info;
  return async (print, signal) => {
    for (const warning of warnings) print('warn', warning);
    await fetchSources({
      dir,
      repoUrl: git.repo_url,
      sha: git.sha,
      ref: git.ref,
      refType: git.ref_type,
      refspecs: git.refspecs ?? [],
      ...settings,
      ...(git.repo_object_format ? { objectFormat: git.repo_object_format } : {}),
      secrets: [payload.token],
      print,
      signal,
    });
  };
}
