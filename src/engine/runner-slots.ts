// Which runner each job goes to and how many jobs each runner runs: GitLab Runner caps the jobs of one
// `[[runners]]` entry with its `limit`, besides the global `concurrent` the scheduler enforces
// (https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runners-section).
import type { EngineOptions, JobRoute } from './options.js';
import type { PlannedJob } from '../model/plan.js';

export type RunRoute = Extract<JobRoute, { kind: 'run' }>;

export class RunnerSlots {
  private readonly running = new Map<string, number>();

  constructor(private readonly options: Pick<EngineOptions, 'executor' | 'route'>) {}

  /** The job's route; without a `route` option every job runs on the default executor, on no named runner. */
  routeOf(job: PlannedJob): JobRoute {
    return this.options.route?.(job) ?? { kind: 'run', executor: this.options.executor, runner: '', limit: 0 };
  }

  /** Whether the route's runner may start one more job now. */
  hasRoom(route: RunRoute): boolean {
    return route.limit <= 0 || (this.running.get(route.runner) ?? 0) < route.limit;
  }

  take(route: RunRoute): void {
    this.running.set(route.runner, (this.running.get(route.runner) ?? 0) + 1);
  }

  release(route: RunRoute): void {
    this.running.set(route.runner, Math.max(0, (this.running.get(route.runner) ?? 0) - 1));
  }
}
