// One builder of PlannedJob values for tests of the engine, reporters and executors: a plain
// on_success job in stage `test` running `true`, with any field overridden.
import type { JobVariable, PlannedJob } from '../../src/model/plan.js';

export function plannedJob(name: string, overrides: Partial<PlannedJob> = {}): PlannedJob {
  return {
    name,
    baseName: name,
    stage: 'test',
    stageIndex: 0,
    when: 'on_success',
    allowFailure: false,
    needs: null,
    artifactSources: [],
    variables: [],
    image: null,
    services: [],
    beforeScript: [],
    script: ['true'],
    afterScript: [],
    cache: [],
    artifacts: null,
    retry: { max: 0, when: [], exitCodes: [] },
    interruptible: false,
    tags: [],
    environment: null,
    nodeTotal: 1,
    ...overrides,
  };
}

export function variable(key: string, value: string, extra: Partial<JobVariable> = {}): JobVariable {
  return { key, value, public: true, masked: false, file: false, raw: false, ...extra };
}
