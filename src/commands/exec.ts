import { Args } from '@oclif/core';
import Run from './run.js';

/**
 * `glci exec JOB`: one job, as `gitlab-runner exec <executor> JOB` ran it (runner-behavior.md §12),
 * with the flags of `glci run` (`--executor kubernetes`, `--kube-context`, ...). More names run those
 * jobs too; `--needs` adds what they need.
 */
export default class Exec extends Run {
  static override description = 'Run one job (or the named jobs) as GitLab Runner would: `glci run` with the job name required';
  static override examples = [
    '<%= config.bin %> exec test',
    '<%= config.bin %> exec test --executor kubernetes',
    '<%= config.bin %> exec test --executor kubernetes --kube-context kind-kind --kind-load',
    '<%= config.bin %> exec build --executor docker',
  ];
  // Required here, optional in `run`: oclif types a required argument as `string`, which the static
  // side of Run (`string | undefined`) does not accept, though every value of it is one.
  static override args = {
    jobs: Args.string({ description: 'The job to run (GitLab\'s name, e.g. "test 1/3"); more names may follow', required: true }),
  } as unknown as typeof Run.args;
}
