// Flags that shape the simulated pipeline (which event, which variables); shared by list, lint and run.
import { Flags } from '@oclif/core';
import type { UserVariables } from '../app/user-variables.js';

export const contextFlags = {
  variable: Flags.string({
    char: 'v',
    description: 'Set a variable for the run (KEY=VALUE); repeatable. Highest precedence, like a project variable',
    multiple: true,
    // One value per flag, so `glci run --variable A=1 build` keeps `build` as a job name.
    multipleNonGreedy: true,
    env: 'GLCI_VARIABLE',
  }),
  'pipeline-source': Flags.string({
    description: 'CI_PIPELINE_SOURCE to simulate (push, web, schedule, merge_request_event, ...)',
    default: 'push',
    env: 'GLCI_PIPELINE_SOURCE',
  }),
  'mr-source-branch': Flags.string({ description: 'Merge request source branch (with --pipeline-source merge_request_event)', env: 'GLCI_MR_SOURCE_BRANCH' }),
  'mr-target-branch': Flags.string({ description: 'Merge request target branch (with --pipeline-source merge_request_event)', env: 'GLCI_MR_TARGET_BRANCH' }),
  'changed-files': Flags.string({
    description: 'Comma-separated files changed by the push, for rules:changes (default: no diff, so changes match)',
    env: 'GLCI_CHANGED_FILES',
  }),
};

export interface ContextFlagValues {
  cwd?: string | undefined;
  variable?: string[] | undefined;
  'pipeline-source': string;
  'mr-source-branch'?: string | undefined;
  'mr-target-branch'?: string | undefined;
  'changed-files'?: string | undefined;
  /** Variables of .glci.yml and its preset (cli/project-flags.ts), lowest first. */
  projectVariables?: readonly UserVariables[] | undefined;
}

/** Flag values → the app layer's ContextOptions shape (no oclif types leak into app/). */
export function contextOptionsFrom(flags: ContextFlagValues) {
  return {
    ...(flags.cwd ? { cwd: flags.cwd } : {}),
    variables: flags.variable ?? [],
    pipelineSource: flags['pipeline-source'],
    ...(flags['mr-source-branch'] ? { mrSourceBranch: flags['mr-source-branch'] } : {}),
    ...(flags['mr-target-branch'] ? { mrTargetBranch: flags['mr-target-branch'] } : {}),
    ...(flags['changed-files'] !== undefined ? { changedFiles: flags['changed-files'] } : {}),
    ...(flags.projectVariables ? { projectVariables: flags.projectVariables } : {}),
  };
}
