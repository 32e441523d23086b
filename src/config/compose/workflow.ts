// `workflow:` — rules, name, auto_cancel. https://docs.gitlab.com/ci/yaml/#workflow — spec §2.6.
import type { WorkflowDefinition } from '../../model/config.js';
import { parseAutoCancel } from './auto-cancel.js';
import { checkAllowedKeys } from './keys.js';
import { parseWorkflowRules } from './rules.js';
import { isMapping, isString } from './shapes.js';
import type { Site } from './site.js';

const KEYS: ReadonlySet<string> = new Set(['rules', 'name', 'auto_cancel']);
const MAX_NAME = 255;

/** The workflow, or null when `workflow:` is absent or empty. */
export function parseWorkflow(site: Site): WorkflowDefinition | null {
  const raw = site.value;
  if (raw === undefined || raw === null) return null;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return null;
  }
  checkAllowedKeys(site, raw, KEYS);
  const workflow: WorkflowDefinition = { rules: null };
  if (raw.rules !== undefined && raw.rules !== null) workflow.rules = parseWorkflowRules(site.at('rules'), site);
  if (raw.name !== undefined && raw.name !== null) {
    if (!isString(raw.name)) site.attr('name', 'should be a string');
    else if (raw.name.length > MAX_NAME) site.attr('name', `is too long (maximum is ${MAX_NAME} characters)`);
    else workflow.name = raw.name;
  }
  if (raw.auto_cancel !== undefined && raw.auto_cancel !== null) {
    const autoCancel = parseAutoCancel(site.at('auto_cancel'));
    if (autoCancel) workflow.autoCancel = autoCancel;
  }
  return workflow;
}
