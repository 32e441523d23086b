// The steps GitLab sends besides script and after_script — the `release` step it builds from the
// `release:` keyword — run after the script, each as its own `step_<name>` stage, in the payload's
// order, as GitLab Runner runs them (executeUserScripts); a failed script skips them, a failed release
// step fails the job with its exit code.
import { describe, expect, it } from 'vitest';
import { steps, useShellRunner, variable } from './harness.js';

const shell = useShellRunner();

function withRelease(script: string[], release: string[]) {
  const [main, after] = steps(script, ['echo "after: $CI_JOB_STATUS"']);
  return {
    variables: [variable('GIT_STRATEGY', 'none')],
    steps: [main!, { name: 'release', script: release, timeout: 3600, when: 'on_success' as const, allow_failure: false }, after!],
  };
}

describe('runner mode, the release step', () => {
  it('runs it after the script in a step_release section, before after_script', async () => {
    const coordinator = shell.coordinator();
    const record = await coordinator.waitForJobFinished(coordinator.enqueue(withRelease(['echo built'], ['echo "release-cli create --tag-name v$((1 + 1)).0"'])), 60_000);
    const text = record.trace.toString();
    expect(record.state, text).toBe('success');
    const section = /section_start:\d+:step_release\r\x1b\[0K([^\n]*)\n([\s\S]*?)section_end:\d+:step_release/.exec(text);
    expect(section?.[1]).toContain('Executing "step_release" stage of the job script');
    expect(section?.[2]).toMatch(/^release-cli create --tag-name v2\.0$/m);
    const order = [/^built$/m, /^release-cli create --tag-name v2\.0$/m, /^after: success$/m].map((re) => text.search(re));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('skips it when the script fails', async () => {
    const coordinator = shell.coordinator();
    const record = await coordinator.waitForJobFinished(coordinator.enqueue(withRelease(['exit 3'], ['echo "releasing $((40 + 2))"'])), 60_000);
    const text = record.trace.toString();
    expect(record.updates.at(-1)).toMatchObject({ state: 'failed', failure_reason: 'script_failure', exit_code: 3 });
    expect(text).not.toContain('step_release');
    expect(text).not.toMatch(/^releasing 42$/m);
    expect(text).toMatch(/^after: failed$/m);
  });

  it('fails the job with the release step\'s exit code', async () => {
    const coordinator = shell.coordinator();
    const record = await coordinator.waitForJobFinished(coordinator.enqueue(withRelease(['echo built'], ['exit 5'])), 60_000);
    expect(record.updates.at(-1)).toMatchObject({ state: 'failed', failure_reason: 'script_failure', exit_code: 5 });
    expect(record.trace.toString()).toMatch(/^after: failed$/m);
  });
});
