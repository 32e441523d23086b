// Flags that shape the simulated pipeline (which event, which ref, which diff, which variables); shared
// by list, lint, run, graph and explain. Which combinations make sense is decided in app/pipeline-kind.ts,
// so the GLCI_* variables and .glci.yml get the same checks as the command line.
import { Flags } from '@oclif/core';
import { MR_EVENTS, PIPELINE_SOURCES } from '../app/pipeline-kind.js';
import type { ContextOptions } from '../app/context-options.js';
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
  branch: Flags.string({ description: 'A pipeline for this branch instead of the checked-out one (the commit stays HEAD)', env: 'GLCI_BRANCH' }),
  tag: Flags.string({ description: 'A tag pipeline for this tag; the commit is HEAD, the tag need not exist', env: 'GLCI_TAG' }),
  'merge-request': Flags.boolean({
    description: 'A merge request pipeline (CI_PIPELINE_SOURCE merge_request_event): the current branch into the default branch unless --mr-source/--mr-target say otherwise',
    env: 'GLCI_MERGE_REQUEST',
  }),
  'mr-source': Flags.string({ description: 'Merge request (or external pull request) source branch (default: the current branch)', env: 'GLCI_MR_SOURCE' }),
  'mr-target': Flags.string({ description: 'Merge request (or external pull request) target branch (default: the default branch)', env: 'GLCI_MR_TARGET' }),
  'mr-iid': Flags.integer({ description: 'Merge request (or pull request) number (default 1)', min: 1, env: 'GLCI_MR_IID' }),
  'mr-title': Flags.string({ description: 'Merge request title (default: the commit title; `Draft:` makes it a draft)', env: 'GLCI_MR_TITLE' }),
  'mr-labels': Flags.string({ description: 'Merge request labels, comma-separated (CI_MERGE_REQUEST_LABELS)', env: 'GLCI_MR_LABELS' }),
  'mr-draft': Flags.boolean({ description: 'The merge request is a draft (CI_MERGE_REQUEST_DRAFT)', env: 'GLCI_MR_DRAFT' }),
  'mr-event': Flags.string({
    description: 'detached (the source branch), merged_result or merge_train (a merge commit of source into target, computed locally)',
    options: [...MR_EVENTS],
    env: 'GLCI_MR_EVENT',
  }),
  source: Flags.string({ description: 'CI_PIPELINE_SOURCE to simulate (default push)', options: [...PIPELINE_SOURCES], env: 'GLCI_SOURCE' }),
  'default-branch': Flags.string({ description: 'CI_DEFAULT_BRANCH (default: origin/HEAD, else init.defaultBranch, else main)', env: 'GLCI_DEFAULT_BRANCH' }),
  protected: Flags.boolean({
    description: 'The pipeline\'s ref is protected (CI_COMMIT_REF_PROTECTED; default: only the default branch is); --no-protected for unprotected',
    allowNo: true,
    env: 'GLCI_PROTECTED',
  }),
  before: Flags.string({ description: 'The branch tip before the push (CI_COMMIT_BEFORE_SHA); rules:changes then sees before..HEAD', env: 'GLCI_BEFORE' }),
  changes: Flags.string({
    description: 'The diff rules:changes sees, from the checkout: staged (index vs HEAD), worktree (working tree and untracked files vs HEAD) or REV (git diff REV...HEAD)',
    env: 'GLCI_CHANGES',
  }),
  'changed-files': Flags.string({
    description: 'Comma-separated files changed by the push, for rules:changes (default: no diff, so changes match)',
    env: 'GLCI_CHANGED_FILES',
  }),
  'schedule-description': Flags.string({ description: 'CI_PIPELINE_SCHEDULE_DESCRIPTION (with --source schedule)', env: 'GLCI_SCHEDULE_DESCRIPTION' }),
  // Former names, kept working (and `pipeline-source` in .glci.yml); hidden so --help shows one name each.
  'pipeline-source': Flags.string({ description: 'Former name of --source', hidden: true, env: 'GLCI_PIPELINE_SOURCE' }),
  'mr-source-branch': Flags.string({ description: 'Former name of --mr-source', hidden: true, env: 'GLCI_MR_SOURCE_BRANCH' }),
  'mr-target-branch': Flags.string({ description: 'Former name of --mr-target', hidden: true, env: 'GLCI_MR_TARGET_BRANCH' }),
};

type Optional<T> = T | undefined;

export interface ContextFlagValues {
  cwd?: Optional<string>;
  variable?: Optional<string[]>;
  branch?: Optional<string>;
  tag?: Optional<string>;
  'merge-request'?: Optional<boolean>;
  'mr-source'?: Optional<string>;
  'mr-target'?: Optional<string>;
  'mr-iid'?: Optional<number>;
  'mr-title'?: Optional<string>;
  'mr-labels'?: Optional<string>;
  'mr-draft'?: Optional<boolean>;
  'mr-event'?: Optional<string>;
  source?: Optional<string>;
  'default-branch'?: Optional<string>;
  protected?: Optional<boolean>;
  before?: Optional<string>;
  changes?: Optional<string>;
  'changed-files'?: Optional<string>;
  'schedule-description'?: Optional<string>;
  'pipeline-source'?: Optional<string>;
  'mr-source-branch'?: Optional<string>;
  'mr-target-branch'?: Optional<string>;
  /** Variables of .glci.yml and its preset (cli/project-flags.ts), lowest first. */
  projectVariables?: Optional<readonly UserVariables[]>;
}

/** Copies the entries whose value is set (exactOptionalPropertyTypes: no `key: undefined`). */
function defined<T extends object>(entries: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Flag values → the app layer's ContextOptions shape (no oclif types leak into app/). */
export function contextOptionsFrom(flags: ContextFlagValues): ContextOptions {
  return {
    variables: flags.variable ?? [],
    ...defined({
      cwd: flags.cwd || undefined,
      source: flags.source,
      pipelineSource: flags['pipeline-source'],
      branch: flags.branch,
      tag: flags.tag,
      mergeRequest: flags['merge-request'] || undefined,
      // The new name wins over the former one when both are set.
      mrSourceBranch: flags['mr-source'] ?? flags['mr-source-branch'],
      mrTargetBranch: flags['mr-target'] ?? flags['mr-target-branch'],
      mrIid: flags['mr-iid'],
      mrTitle: flags['mr-title'],
      mrLabels: flags['mr-labels'],
      mrDraft: flags['mr-draft'] || undefined,
      mrEvent: flags['mr-event'],
      defaultBranch: flags['default-branch'],
      protected: flags.protected,
      before: flags.before,
      changes: flags.changes,
      changedFiles: flags['changed-files'],
      scheduleDescription: flags['schedule-description'],
      projectVariables: flags.projectVariables,
    }),
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
  };
}
