// The pipeline-context flags as oclif parses them (command line and GLCI_* variables), mapped onto the
// app layer's ContextOptions; the former names keep working.
import { Parser } from '@oclif/core';
import { afterEach, describe, expect, it } from 'vitest';
import { contextFlags, contextOptionsFrom } from '../../src/cli/context-flags.js';

async function options(argv: string[]) {
  const { flags } = await Parser.parse(argv, { flags: contextFlags });
  const { warn, ...rest } = contextOptionsFrom(flags);
  expect(typeof warn).toBe('function');
  return rest;
}

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('GLCI_') && !(key in saved)) delete process.env[key];
});

describe('context flags', () => {
  it('give nothing but the variables when none is set (a push of the checkout)', async () => {
    expect(await options([])).toEqual({ variables: [] });
  });

  it('map every flag onto its option', async () => {
    const argv = [
      '--branch', 'b', '--merge-request', '--mr-source', 's', '--mr-target', 't', '--mr-iid', '4', '--mr-title', 'T',
      '--mr-labels', 'a,b', '--mr-draft', '--mr-event', 'merge_train', '--source', 'merge_request_event',
      '--default-branch', 'trunk', '--no-protected', '--changes', 'staged', '--schedule-description', 'N', '-v', 'A=1',
    ];
    expect(await options(argv)).toEqual({
      variables: ['A=1'],
      branch: 'b',
      mergeRequest: true,
      mrSourceBranch: 's',
      mrTargetBranch: 't',
      mrIid: 4,
      mrTitle: 'T',
      mrLabels: 'a,b',
      mrDraft: true,
      mrEvent: 'merge_train',
      source: 'merge_request_event',
      defaultBranch: 'trunk',
      protected: false,
      changes: 'staged',
      scheduleDescription: 'N',
    });
    expect(await options(['--tag', 'v1', '--protected', '--before', 'abc', '--changed-files', 'x,y'])).toEqual({
      variables: [],
      tag: 'v1',
      protected: true,
      before: 'abc',
      changedFiles: 'x,y',
    });
  });

  it('keep the former names: --pipeline-source (below --source), --mr-source-branch, --mr-target-branch', async () => {
    expect(await options(['--pipeline-source', 'web', '--mr-source-branch', 'a', '--mr-target-branch', 'b'])).toEqual({
      variables: [],
      pipelineSource: 'web',
      mrSourceBranch: 'a',
      mrTargetBranch: 'b',
    });
    expect(await options(['--mr-source', 'new', '--mr-source-branch', 'old'])).toMatchObject({ mrSourceBranch: 'new' });
  });

  it('read GLCI_* variables, the former ones included', async () => {
    process.env.GLCI_MERGE_REQUEST = 'true';
    process.env.GLCI_MR_EVENT = 'merged_result';
    process.env.GLCI_PROTECTED = 'false';
    process.env.GLCI_PIPELINE_SOURCE = 'schedule';
    process.env.GLCI_MR_TARGET_BRANCH = 'develop';
    expect(await options([])).toEqual({
      variables: [],
      mergeRequest: true,
      mrEvent: 'merged_result',
      protected: false,
      pipelineSource: 'schedule',
      mrTargetBranch: 'develop',
    });
  });

  it('let oclif refuse values outside the lists', async () => {
    await expect(Parser.parse(['--source', 'cron'], { flags: contextFlags })).rejects.toThrow(/Expected --source=cron to be one of/);
    await expect(Parser.parse(['--mr-event', 'merged'], { flags: contextFlags })).rejects.toThrow(/to be one of/);
    await expect(Parser.parse(['--mr-iid', '0'], { flags: contextFlags })).rejects.toThrow(/greater than or equal to 1/);
  });

  it('hide the former names from --help, and every flag has its GLCI_* variable', () => {
    for (const name of ['pipeline-source', 'mr-source-branch', 'mr-target-branch']) expect(contextFlags[name as keyof typeof contextFlags].hidden).toBe(true);
    for (const [name, flag] of Object.entries(contextFlags)) expect(flag.env).toBe(`GLCI_${name.toUpperCase().replace(/-/g, '_')}`);
  });
});
