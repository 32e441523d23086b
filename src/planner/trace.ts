// An optional record of what the planner's own evaluation did, for `glci explain`: each clause's
// result and the variables an expression read, each only/except condition, how each need resolved,
// and the variable layers a job's values were merged from. The evaluation functions take a log
// argument that is undefined in ordinary planning, so a plan without a trace costs a few `undefined`
// checks and nothing else (the planner is benchmarked on 1,000-job pipelines); and because the same
// functions fill the log in, an explanation cannot drift from what the planner decides.
import type { ChangesClause, ExistsClause, NeedDefinition, PolicyDefinition } from '../model/config.js';
import type { JobVariable } from '../model/plan.js';
import type { PolicyKind, VariableLayer, VariableRead } from '../model/explanation.js';

type Lookup = (name: string) => string | undefined;

/** Notes each name an expression reads (once, in reading order) with the value it got. */
class ReadNotes {
  private reads: VariableRead[] = [];

  /** Reads through the returned lookup go to the notes `take` returns next. */
  wrap(lookup: Lookup): Lookup {
    this.reads = [];
    return (name) => {
      const value = lookup(name);
      if (!this.reads.some((r) => r.name === name)) this.reads.push({ name, value: value ?? null });
      return value;
    };
  }

  take(): VariableRead[] {
    const reads = this.reads;
    this.reads = [];
    return reads;
  }
}

export type ClauseRecord =
  | { clause: 'if'; expression: string; reads: VariableRead[]; result: boolean }
  | { clause: 'changes'; changes: ChangesClause; result: boolean }
  | { clause: 'exists'; exists: ExistsClause; result: boolean };

/** The clauses of one rule, in evaluation order; evaluation stops at the first false one. */
export class ClauseLog {
  readonly clauses: ClauseRecord[] = [];
  private readonly notes = new ReadNotes();

  /** The lookup an `if` expression reads through. */
  reading(lookup: Lookup): Lookup {
    return this.notes.wrap(lookup);
  }

  ifResult(expression: string, result: boolean): void {
    this.clauses.push({ clause: 'if', expression, reads: this.notes.take(), result });
  }

  changesResult(changes: ChangesClause, result: boolean): void {
    this.clauses.push({ clause: 'changes', changes, result });
  }

  existsResult(exists: ExistsClause, result: boolean): void {
    this.clauses.push({ clause: 'exists', exists, result });
  }

  /** All clauses true (evaluation only stops early on a false one); a rule without clauses matches. */
  get matched(): boolean {
    return this.clauses.every((c) => c.result);
  }
}

/** The rules of a `rules:` or `workflow:rules` list that were evaluated, by 0-based index. */
export class RulesLog {
  readonly evaluated = new Map<number, ClauseLog>();

  rule(index: number): ClauseLog {
    const log = new ClauseLog();
    this.evaluated.set(index, log);
    return log;
  }
}

export interface PolicyEntryRecord {
  entry: string;
  result: boolean;
  reads?: VariableRead[];
}

export interface PolicyConditionRecord {
  side: 'only' | 'except';
  kind: PolicyKind;
  satisfied: boolean;
  entries: PolicyEntryRecord[];
}

/** only/except conditions in evaluation order, each with the entries it tried. */
export class PolicyLog {
  readonly conditions: PolicyConditionRecord[] = [];
  private entries: PolicyEntryRecord[] = [];
  private readonly notes = new ReadNotes();

  reading(lookup: Lookup): Lookup {
    return this.notes.wrap(lookup);
  }

  /** Notes an entry's result (with what an expression read, if it read anything) and passes it on. */
  entry(entry: string, result: boolean): boolean {
    const reads = this.notes.take();
    this.entries.push(reads.length > 0 ? { entry, result, reads } : { entry, result });
    return result;
  }

  condition(side: 'only' | 'except', kind: PolicyKind, satisfied: boolean): void {
    this.conditions.push({ side, kind, satisfied, entries: this.entries });
    this.entries = [];
  }
}

export interface NeedRecord {
  /** The need as resolved (matrix expressions interpolated). */
  need: NeedDefinition;
  targets: { job: string; present: boolean }[];
}

export interface DependencyRecord {
  job: string;
  jobs: { job: string; present: boolean }[];
}

export interface LabelledLayer {
  layer: VariableLayer;
  variables: readonly JobVariable[];
}

/** Everything recorded about one concrete job. */
export class JobTrace {
  rules: RulesLog | undefined;
  onlyExcept: { only: PolicyDefinition | null; except: PolicyDefinition | null; log: PolicyLog } | undefined;
  /** undefined until the job's `needs:` were resolved (never, for a job without them). */
  needs: NeedRecord[] | undefined;
  dependencies: DependencyRecord[] | undefined;
  /** The layers of the job's final variables, lowest precedence first, as the planner merged them. */
  layers: LabelledLayer[] | undefined;

  rulesLog(): RulesLog {
    return (this.rules = new RulesLog());
  }

  policyLog(only: PolicyDefinition | null, except: PolicyDefinition | null): PolicyLog {
    const log = new PolicyLog();
    this.onlyExcept = { only, except, log };
    return log;
  }

  need(need: NeedDefinition, targets: readonly string[], present: ReadonlySet<string>): void {
    this.needs?.push({ need, targets: targets.map((job) => ({ job, present: present.has(job) })) });
  }

  dependenciesResolved(dependencies: readonly string[], expanded: readonly (readonly string[])[], present: ReadonlySet<string>): void {
    this.dependencies = dependencies.map((job, i) => ({
      job,
      jobs: (expanded[i] ?? []).map((name) => ({ job: name, present: present.has(name) })),
    }));
  }
}

/** What `planPipeline` fills in when given one: the workflow rules and the jobs asked for by name. */
export class PlanTrace {
  readonly workflow = new RulesLog();
  private readonly jobs = new Map<string, JobTrace>();

  constructor(jobNames: Iterable<string>) {
    for (const name of jobNames) this.jobs.set(name, new JobTrace());
  }

  /** The trace of one concrete job, or undefined for a job nobody asked about. */
  job(name: string): JobTrace | undefined {
    return this.jobs.get(name);
  }
}
