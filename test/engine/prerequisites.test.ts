// The composite status and decision table of gitlab-ci-yaml.md §8.2, as tables.
import { describe, expect, it } from 'vitest';
import { type StatusInput, compositeStatus, decide, pipelineStatus } from '../../src/engine/prerequisites.js';

const ok: StatusInput = { status: 'success', allowFailure: false, allowedToFail: false };
const failed: StatusInput = { status: 'failed', allowFailure: false, allowedToFail: false };
const allowedFailure: StatusInput = { status: 'failed', allowFailure: true, allowedToFail: true };
const skipped: StatusInput = { status: 'skipped', allowFailure: false, allowedToFail: false };
const optionalManual: StatusInput = { status: 'manual', allowFailure: true, allowedToFail: false };
const blockingManual: StatusInput = { status: 'manual', allowFailure: false, allowedToFail: false };
const running: StatusInput = { status: 'running', allowFailure: false, allowedToFail: false };
const canceled: StatusInput = { status: 'canceled', allowFailure: false, allowedToFail: false };

describe('compositeStatus', () => {
  it.each([
    ['no prerequisites', [], false, 'success'],
    ['all success', [ok, ok], false, 'success'],
    ['allowed failure counts as success', [ok, allowedFailure], false, 'success'],
    ['optional manual is ignored', [ok, optionalManual], false, 'success'],
    ['only skipped/ignored', [skipped, optionalManual], false, 'skipped'],
    ['a real failure', [ok, failed], false, 'failed'],
    ['something still running', [failed, running], false, 'running'],
    ['blocking manual', [ok, blockingManual], false, 'manual'],
    ['canceled with successes', [ok, canceled], false, 'canceled'],
    ['DAG: a skipped need', [ok, skipped], true, 'skipped'],
    ['DAG: an optional manual need not played', [ok, optionalManual], true, 'skipped'],
    ['stage: a skipped job among successes', [ok, skipped], false, 'success'],
  ] as const)('%s', (_name, jobs, dag, expected) => {
    expect(compositeStatus(jobs, dag)).toBe(expected);
  });
});

describe('decide', () => {
  it.each([
    ['on_success', 'success', false, 'run'],
    ['on_success', 'failed', false, 'skip'],
    ['on_success', 'skipped', false, 'run'],
    ['on_success', 'skipped', true, 'skip'],
    ['on_success', 'running', false, 'wait'],
    ['on_success', 'manual', false, 'wait'],
    ['on_failure', 'failed', false, 'run'],
    ['on_failure', 'success', false, 'skip'],
    ['always', 'failed', false, 'run'],
    ['always', 'skipped', true, 'run'],
    ['always', 'canceled', false, 'skip'],
    ['manual', 'success', false, 'manual'],
    ['manual', 'failed', false, 'skip'],
    ['delayed', 'success', false, 'delay'],
  ] as const)('when %s with prerequisites %s (dag %s) → %s', (when, prerequisites, dag, expected) => {
    expect(decide(when, prerequisites, dag).kind).toBe(expected);
  });
});

describe('pipelineStatus', () => {
  it('is success with only allowed failures and optional manual jobs', () => {
    expect(pipelineStatus([ok, allowedFailure, optionalManual])).toBe('success');
  });
  it('is failed with a real failure', () => {
    expect(pipelineStatus([ok, failed, skipped])).toBe('failed');
  });
  it('is manual when a blocking manual job holds jobs back', () => {
    expect(pipelineStatus([ok, blockingManual, { status: 'created', allowFailure: false, allowedToFail: false }])).toBe('manual');
  });
  it('is skipped when nothing ran', () => {
    expect(pipelineStatus([skipped, optionalManual])).toBe('skipped');
  });
});
