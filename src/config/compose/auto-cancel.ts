// `workflow:auto_cancel` and `workflow:rules:auto_cancel`.
// https://docs.gitlab.com/ci/yaml/#workflowauto_cancelon_new_commit — spec §2.6 (entry/auto_cancel.rb).
import type { AutoCancelDefinition } from '../../model/config.js';
import { checkAllowedKeys } from './keys.js';
import { isMapping } from './shapes.js';
import type { Site } from './site.js';

const KEYS: ReadonlySet<string> = new Set(['on_new_commit', 'on_job_failure']);
const ON_NEW_COMMIT = ['conservative', 'interruptible', 'none'] as const;
const ON_JOB_FAILURE = ['none', 'all'] as const;

export function parseAutoCancel(site: Site): AutoCancelDefinition | null {
  if (!isMapping(site.value)) {
    site.config('should be a hash');
    return null;
  }
  let ok = checkAllowedKeys(site, site.value, KEYS);
  const out: AutoCancelDefinition = {};
  const onNewCommit = site.value.on_new_commit;
  if (onNewCommit !== undefined && onNewCommit !== null) {
    if ((ON_NEW_COMMIT as readonly unknown[]).includes(onNewCommit)) out.onNewCommit = onNewCommit as AutoCancelDefinition['onNewCommit'];
    else ok = fail(site, 'on_new_commit', ON_NEW_COMMIT);
  }
  const onJobFailure = site.value.on_job_failure;
  if (onJobFailure !== undefined && onJobFailure !== null) {
    if ((ON_JOB_FAILURE as readonly unknown[]).includes(onJobFailure)) out.onJobFailure = onJobFailure as AutoCancelDefinition['onJobFailure'];
    else ok = fail(site, 'on_job_failure', ON_JOB_FAILURE);
  }
  return ok ? out : null;
}

function fail(site: Site, key: string, allowed: readonly string[]): false {
  site.attr(key, `must be one of: ${allowed.join(', ')}`);
  return false;
}
