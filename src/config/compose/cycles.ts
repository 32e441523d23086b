// Cycles among job-level `needs` (rules:needs do not take part, as in GitLab's Dag check).
// GitLab sorts the jobs with Ruby's TSort (yaml_processor/dag.rb) and reports the first problem it
// meets: a job needing itself (`self-dependency: a`, raised when the walk first reaches the job)
// or a strongly connected component (`topological sort failed: [...]`, its jobs in the order the
// depth-first walk reached them). The walk is reproduced here, iteratively so that long chains
// cannot overflow the stack, and every cycle is listed in the order the walk meets it, so the
// first one is GitLab's.
import type { JobDefinition } from '../../model/config.js';

export type NeedsCycle = { kind: 'self'; job: string } | { kind: 'component'; jobs: string[] };

interface Frame {
  node: string;
  children: readonly string[];
  next: number;
  id: number;
  minimum: number;
  stackLength: number;
}

export function findCycles(jobs: readonly JobDefinition[]): NeedsCycle[] {
  const edges = new Map<string, string[]>();
  for (const job of jobs) {
    const targets = (job.needs ?? [])
      .filter((need) => need.pipeline === undefined && need.project === undefined)
      .map((need) => need.job);
    edges.set(job.name, targets);
  }
  const walk = new Walk(edges);
  for (const job of jobs) if (!walk.ids.has(job.name)) walk.from(job.name);
  return walk.cycles;
}

/** Ruby's `TSort.each_strongly_connected_component_from`, with GitLab's `tsort_each_child`. */
class Walk {
  /** Visited nodes; null once their component is complete (TSort's `id_map`). */
  readonly ids = new Map<string, number | null>();
  readonly cycles: NeedsCycle[] = [];
  readonly #stack: string[] = [];

  constructor(readonly edges: ReadonlyMap<string, readonly string[]>) {}

  from(start: string): void {
    const frames: Frame[] = [this.#enter(start)];
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as Frame;
      if (frame.next < frame.children.length) {
        const child = frame.children[frame.next++] as string;
        if (!this.ids.has(child)) {
          frames.push(this.#enter(child));
          continue;
        }
        const childId = this.ids.get(child);
        if (childId !== null && childId !== undefined && childId < frame.minimum) frame.minimum = childId;
        continue;
      }
      frames.pop();
      if (frame.id === frame.minimum) {
        const component = this.#stack.splice(frame.stackLength);
        for (const node of component) this.ids.set(node, null);
        if (component.length > 1) this.cycles.push({ kind: 'component', jobs: component });
      }
      const parent = frames[frames.length - 1];
      if (parent && frame.minimum < parent.minimum) parent.minimum = frame.minimum;
    }
  }

  #enter(node: string): Frame {
    const id = this.ids.size;
    this.ids.set(node, id);
    const stackLength = this.#stack.length;
    this.#stack.push(node);
    // A job without an entry (an optional need on a missing job) has no children in GitLab's Dag.
    const children = this.edges.get(node) ?? [];
    // GitLab raises here, before the job's needs are followed; the walk goes on without the self edge.
    if (children.includes(node)) this.cycles.push({ kind: 'self', job: node });
    return { node, children: children.filter((child) => child !== node), next: 0, id, minimum: id, stackLength };
  }
}
