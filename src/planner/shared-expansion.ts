// Nested expansion (spec §7.3) of the variables every job shares — pipeline predefined, inherited
// global YAML and user variables — done once per plan instead of once per job. A job then expands only
// its own values and the shared values whose references (transitively) reach a name the job defines
// differently; every other shared value is the same in all jobs. Results equal a full expansion of the
// job's list: a shared value is reused only when nothing it can reach differs in the job.
import type { JobVariable } from '../model/plan.js';
import { ConfigError } from '../errors.js';
import { expandVariableValues } from '../variables/index.js';
import { canChange, expandMergedVariables, referencedNames } from './expansion.js';

export class SharedExpansion {
  /** Winning shared definition per name. */
  private readonly byKey = new Map<string, JobVariable>();
  /** Expanded entries of the shared values that hold references. */
  private readonly expanded = new Map<string, JobVariable>();
  /** Direct references of those values. */
  private readonly references = new Map<string, string[]>();
  /** Name → shared values whose expansion can reach it. */
  private readonly dependents = new Map<string, string[]>();
  /** A reference cycle among shared values: each job expands in full and reports it under its name. */
  private readonly failed: boolean;

  constructor(shared: readonly JobVariable[]) {
    for (const v of shared) this.byKey.set(v.key, v);
    for (const v of shared) if (canChange(v)) this.references.set(v.key, referencedNames(v.value));
    this.failed = !this.expandShared(shared);
    if (!this.failed) this.indexDependents();
  }

  /** `expandVariableValues` of a job's merged list (one entry per name) whose shared layers are these. */
  expandJob(merged: readonly JobVariable[], jobName: string): JobVariable[] {
    if (this.failed) return expandMergedVariables(merged, jobName);
    const winners = new Map(merged.map((v) => [v.key, v]));
    const compute = this.valuesToCompute(merged, winners);
    if (compute.size === 0) return merged.map((v) => this.sharedResult(v) ?? v);
    const subset = merged.filter((v) => compute.has(v.key));
    const result = new Map(expandVariableValues(subset, jobName).map((v) => [v.key, v]));
    return merged.map((v) => result.get(v.key) ?? this.sharedResult(v) ?? v);
  }

  private expandShared(shared: readonly JobVariable[]): boolean {
    try {
      for (const v of expandMergedVariables(shared, '')) if (this.references.has(v.key)) this.expanded.set(v.key, v);
      return true;
    } catch (error) {
      if (error instanceof ConfigError) return false;
      throw error;
    }
  }

  private indexDependents(): void {
    for (const key of this.references.keys()) {
      const reached = new Set<string>();
      const stack = [...(this.references.get(key) ?? [])];
      while (stack.length > 0) {
        const name = stack.pop() as string;
        if (reached.has(name)) continue;
        reached.add(name);
        stack.push(...(this.references.get(name) ?? []));
      }
      for (const name of reached) {
        const list = this.dependents.get(name);
        if (list === undefined) this.dependents.set(name, [key]);
        else list.push(key);
      }
    }
  }

  /** The job's own values with references, the shared ones a job-defined name affects, and what they reference. */
  private valuesToCompute(merged: readonly JobVariable[], winners: Map<string, JobVariable>): Set<string> {
    const compute = new Set<string>();
    for (const v of merged) {
      if (this.byKey.get(v.key) === v) continue;
      if (canChange(v)) compute.add(v.key);
      for (const dependent of this.dependents.get(v.key) ?? []) {
        if (winners.get(dependent) === this.byKey.get(dependent)) compute.add(dependent);
      }
    }
    const stack = [...compute];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      for (const name of this.referencesOf(winners.get(key))) {
        if (!compute.has(name) && winners.has(name)) {
          compute.add(name);
          stack.push(name);
        }
      }
    }
    return compute;
  }

  private referencesOf(v: JobVariable | undefined): readonly string[] {
    if (v === undefined || !canChange(v)) return [];
    return this.byKey.get(v.key) === v ? (this.references.get(v.key) ?? []) : referencedNames(v.value);
  }

  private sharedResult(v: JobVariable): JobVariable | undefined {
    return this.byKey.get(v.key) === v ? this.expanded.get(v.key) : undefined;
  }
}
