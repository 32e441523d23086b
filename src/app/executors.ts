// The executor registry (DESIGN.md habit 2): one explicit map, no import side effects. Executors that
// pull in heavy SDKs are imported lazily so `list`/`lint` never load them.
import { cpus } from 'node:os';
import type { Executor } from '../executors/executor.js';
import type { Plan } from '../model/plan.js';
import { UsageError } from '../errors.js';
import { createShellExecutor } from '../executors/shell/shell-executor.js';

export type ExecutorName = 'shell' | 'docker' | 'kubernetes';

export interface ExecutorChoice {
  executor: Executor;
  /** Why this executor was chosen, shown to the user when they did not pick one. */
  reason: string;
}

export interface ExecutorRequest {
  name: string | undefined;
  shellInPlace: boolean;
}

const NOT_YET: Record<string, string> = {
  docker: 'the docker executor is not available in this version of glci yet',
  kubernetes: 'the kubernetes executor is not available in this version of glci yet',
};

export function chooseExecutor(request: ExecutorRequest, plan: Plan): ExecutorChoice {
  const name = request.name;
  if (name !== undefined && name !== 'shell') {
    if (name in NOT_YET) throw new UsageError(NOT_YET[name]!, 'use --executor shell');
    throw new UsageError(`unknown executor "${name}"`, 'use one of: shell, docker, kubernetes');
  }
  const withImage = plan.jobs.filter((j) => j.image !== null).length;
  const reason = name === 'shell'
    ? 'shell executor (--executor shell)'
    : `shell executor (default${withImage > 0 ? `; ${withImage} job(s) name an image, which the shell executor ignores as GitLab Runner does` : ''})`;
  return { executor: createShellExecutor({ inPlace: request.shellInPlace }), reason };
}

export function defaultConcurrency(): number {
  return Math.max(1, cpus().length);
}
