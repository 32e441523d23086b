// The get_sources settings of one job, read from its variables as GitLab Runner reads them
// (runner-behavior.md §4.3, common/build_settings.go): GIT_STRATEGY, GIT_DEPTH, GIT_CHECKOUT,
// GIT_CLEAN_FLAGS, GIT_FETCH_EXTRA_FLAGS, GIT_SUBMODULE_STRATEGY, GIT_SUBMODULE_DEPTH. An invalid
// value is a warning and the default, as in GitLab Runner. Pure.
import type { GitFetchOptions } from './git-fetch.js';

export type GitFetchSettings = Pick<GitFetchOptions, 'strategy' | 'depth' | 'checkout' | 'cleanFlags' | 'fetchExtraFlags' | 'submoduleStrategy' | 'submoduleDepth'>;

const STRATEGIES = ['clone', 'fetch', 'none', 'empty'] as const;
const SUBMODULE_STRATEGIES = ['none', 'normal', 'recursive'] as const;

function pick<T extends string>(allowed: readonly T[], value: string | undefined, fallback: T, name: string, warnings: string[]): T {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  warnings.push(`${name} "${value}" is not one of ${allowed.join(', ')}: using ${fallback}`);
  return fallback;
}

function count(value: string | undefined, fallback: number, name: string, warnings: string[]): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (Number.isInteger(parsed) && parsed >= 0) return parsed;
  warnings.push(`${name} "${value}" is not a number: using ${fallback}`);
  return fallback;
}

/** The settings of `variables` (later entries win); `depth` is git_info.depth, overridden by GIT_DEPTH. */
export function gitFetchSettings(variables: readonly { key: string; value: string }[], depth: number, allowGitFetch: boolean): { settings: GitFetchSettings; warnings: string[] } {
  const values = new Map(variables.map((v) => [v.key, v.value]));
  const warnings: string[] = [];
  const gitDepth = count(values.get('GIT_DEPTH'), depth, 'GIT_DEPTH', warnings);
  const settings: GitFetchSettings = {
    strategy: pick(STRATEGIES, values.get('GIT_STRATEGY'), allowGitFetch ? 'fetch' : 'clone', 'GIT_STRATEGY', warnings),
    depth: gitDepth,
    checkout: values.get('GIT_CHECKOUT') !== 'false',
    cleanFlags: values.get('GIT_CLEAN_FLAGS') || '-ffdx',
    fetchExtraFlags: values.get('GIT_FETCH_EXTRA_FLAGS') ?? '--prune --quiet',
    submoduleStrategy: pick(SUBMODULE_STRATEGIES, values.get('GIT_SUBMODULE_STRATEGY'), 'none', 'GIT_SUBMODULE_STRATEGY', warnings),
    submoduleDepth: count(values.get('GIT_SUBMODULE_DEPTH'), gitDepth, 'GIT_SUBMODULE_DEPTH', warnings),
  };
  return { settings, warnings };
}
