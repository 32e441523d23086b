// The get_sources settings of one GitLab job (its variables and git_info) for the runner's fetch.
import type { JobPayload } from '../model/job-payload.js';
import { fetchSources } from '../platform/source-fetch.js';
import type { FetchSources } from './runner-sources.js';


/** GIT_STRATEGY as GitLab Runner reads it: clone, fetch, none, empty; unset → the project's (allow_git_fetch). */
function strategyOf(value: string | undefined, allowFetch: boolean): string {
  if (value && ['clone', 'fetch', 'none', 'empty'].includes(value)) return value;
  return allowFetch ? 'fetch' : 'clone';
}

export function jobSourcesFetcher(payload: JobPayload, dir: string): FetchSources {
  const variable = (key: string) => {
    for (let i = payload.variables.length - 1; i >= 0; i--) if (payload.variables[i]?.key === key) return payload.variables[i]?.value;
    return undefined;
  };
  const depthVariable = Number(variable('GIT_DEPTH'));
  const depth = variable('GIT_DEPTH') !== undefined && Number.isInteger(depthVariable) && depthVariable >= 0 ? depthVariable : payload.git_info.depth;
  return (print, signal) =>
    fetchSources({
      dir,
      repoUrl: payload.git_info.repo_url,
      sha: payload.git_info.sha,
      ref: payload.git_info.ref,
      refType: payload.git_info.ref_type,
      refspecs: payload.git_info.refspecs ?? [],
      depth,
      strategy: strategyOf(variable('GIT_STRATEGY'), payload.allow_git_fetch ?? true),
      submoduleStrategy: variable('GIT_SUBMODULE_STRATEGY') ?? 'none',
      checkout: variable('GIT_CHECKOUT') !== 'false',
      cleanFlags: variable('GIT_CLEAN_FLAGS') ?? '-ffdx',
      fetchExtraFlags: variable('GIT_FETCH_EXTRA_FLAGS') ?? '--prune --quiet',
      secrets: [payload.token],
      print,
      signal,
    });
}
