import { describe, expect, it } from 'vitest';
import { unsetVariableNotes } from '../../src/app/unset-variable-notes.js';
import { plannedJob, variable } from '../support/planned-job.js';

describe('notes on server-only variables left unset', () => {
  it('names the registry variables a job uses and how to give them', () => {
    const job = plannedJob('push', { script: ['docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" $CI_REGISTRY', 'docker push ${CI_REGISTRY_IMAGE}:1'] });
    const [note] = unsetVariableNotes([job]);
    expect(note).toContain('job "push" uses $CI_REGISTRY, $CI_REGISTRY_IMAGE, $CI_REGISTRY_USER, $CI_REGISTRY_PASSWORD');
    expect(note).toContain('--variable CI_REGISTRY=...');
  });

  it('stays silent when the user gave them, or the job does not use them', () => {
    const given = plannedJob('push', { script: ['docker login $CI_REGISTRY'], variables: [variable('CI_REGISTRY', '127.0.0.1:5000')] });
    const unrelated = plannedJob('test', { script: ['echo $CI_REGISTRY_MIRROR_X', 'echo $CI_JOB_NAME'] });
    expect(unsetVariableNotes([given, unrelated])).toEqual([]);
  });
});
