import { describe, expect, it } from 'vitest';
import type { PullPolicy } from '../../../src/model/config.js';
import type { SettingOrigin } from '../../../src/model/runner.js';
import { ExecutorError } from '../../../src/errors.js';
import { effectivePullPolicies, formatPolicies } from '../../../src/executors/images/policies.js';

interface Settings {
  pullPolicy: PullPolicy[];
  pullPolicyOrigin: SettingOrigin;
  allowedPullPolicies: PullPolicy[];
}

const settings = (pullPolicy: PullPolicy[], allowedPullPolicies: PullPolicy[] = [], pullPolicyOrigin: SettingOrigin = 'file'): Settings => ({
  pullPolicy,
  pullPolicyOrigin,
  allowedPullPolicies,
});

describe('effectivePullPolicies', () => {
  it.each<[string, PullPolicy[] | undefined, Settings, PullPolicy[]]>([
    ['config list when the YAML has none', undefined, settings(['always', 'if-not-present']), ['always', 'if-not-present']],
    ['an empty YAML list counts as none', [], settings(['never']), ['never']],
    ['YAML replaces the config list', ['if-not-present'], settings(['always'], ['always', 'if-not-present']), ['if-not-present']],
    ['filtered by allowed, requested order kept', ['never', 'if-not-present', 'always'], settings(['always'], ['always', 'never']), ['never', 'always']],
    ['allowed defaults to the config list', ['always', 'never'], settings(['never', 'always']), ['always', 'never']],
    ['GitLab default is [always]', undefined, settings([], [], 'default'), ['always']],
    ['glci default allows every policy', ['always'], settings(['if-not-present'], [], 'glci-default'), ['always']],
    ['duplicates are tried twice, as in GitLab', ['always', 'always'], settings(['always']), ['always', 'always']],
  ])('%s', (_name, yaml, config, expected) => {
    expect(effectivePullPolicies('alpine:3', yaml, config).policies).toEqual(expected);
  });

  it.each<[PullPolicy[] | undefined, Settings, string]>([
    [
      ['if-not-present'],
      settings(['always']),
      'invalid pull policy for image "alpine:3": pull_policy ([if-not-present]) defined in GitLab pipeline config is not one of the allowed_pull_policies ([always])',
    ],
    [
      undefined,
      settings(['never', 'if-not-present'], ['always']),
      'invalid pull policy for image "alpine:3": pull_policy ([never if-not-present]) defined in Runner config is not one of the allowed_pull_policies ([always])',
    ],
    [
      undefined,
      settings(['always'], ['never'], 'default'),
      'invalid pull policy for image "alpine:3": pull_policy ([always]) defined in Runner config (default) is not one of the allowed_pull_policies ([never])',
    ],
    [
      undefined,
      settings(['if-not-present'], ['always'], 'glci-default'),
      'invalid pull policy for image "alpine:3": pull_policy ([if-not-present]) defined in glci default (no config.toml) is not one of the allowed_pull_policies ([always])',
    ],
  ])('refuses %j with GitLab’s message', (yaml, config, message) => {
    let caught: unknown;
    try {
      effectivePullPolicies('alpine:3', yaml, config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExecutorError);
    expect(caught).toMatchObject({ code: 'DOCKER_PULL_POLICY', message });
  });

  it('marks glci’s own default so the notice can be printed', () => {
    expect(effectivePullPolicies('a', undefined, settings(['if-not-present'], [], 'glci-default'))).toEqual({
      policies: ['if-not-present'],
      source: 'glci default (no config.toml)',
      glciDefault: true,
    });
    expect(effectivePullPolicies('a', ['if-not-present'], settings(['if-not-present'], [], 'glci-default')).glciDefault).toBe(false);
  });

  it('formats lists like Go’s %v', () => {
    expect(formatPolicies(['always', 'if-not-present'])).toBe('[always if-not-present]');
    expect(formatPolicies([])).toBe('[]');
  });
});
