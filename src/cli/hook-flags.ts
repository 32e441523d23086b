// Flags shared by `glci hook install` and `glci hook run`: which hook and which jobs it runs.
import { Flags } from '@oclif/core';
import { HOOK_NAMES, type HookName, type HookSelection } from '../app/git-hook-script.js';
import { DEFAULT_HOOK_STAGE, parseJobList } from '../app/hook-selection.js';

export const hookFlag = Flags.string({
  description: 'The git hook: pre-commit checks the staged content, pre-push the pushed commits',
  options: [...HOOK_NAMES],
  default: 'pre-commit',
  env: 'GLCI_HOOK',
});

export const jobSelectionFlags = {
  jobs: Flags.string({
    description: 'Jobs to run, comma-separated or repeated (GitLab\'s names; commas inside [...] of matrix names are kept)',
    multiple: true,
    env: 'GLCI_JOBS',
  }),
  stage: Flags.string({ description: `Run the jobs of this stage (default without --jobs: ${DEFAULT_HOOK_STAGE})`, env: 'GLCI_STAGE' }),
  needs: Flags.boolean({ description: 'Also run the jobs the selected jobs need, transitively', env: 'GLCI_NEEDS' }),
};

export function hookName(value: string): HookName {
  return (HOOK_NAMES as readonly string[]).includes(value) ? (value as HookName) : 'pre-commit';
}

export function jobList(values: readonly string[] | undefined): string[] {
  return parseJobList(values ?? []);
}

/** The selection the hook flags describe, as both commands pass it on. */
export function hookSelection(flags: { cwd?: string; file: string; hook: string; jobs?: string[]; stage?: string; needs: boolean }): HookSelection {
  return {
    ...(flags.cwd ? { cwd: flags.cwd } : {}),
    file: flags.file,
    hook: hookName(flags.hook),
    jobs: jobList(flags.jobs),
    ...(flags.stage ? { stage: flags.stage } : {}),
    withNeeds: flags.needs,
  };
}
