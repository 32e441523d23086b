// Cycles among job-level `needs` (rules:needs do not take part, as in GitLab's Dag check).
// Tarjan's strongly connected components, iterative so that long chains cannot overflow the stack.
import type { JobDefinition } from '../../model/config.js';

/** Each cycle as job names: a single name for a job needing itself. */
export function findCycles(jobs: readonly JobDefinition[]): string[][] {
  const names = new Set(jobs.map((job) => job.name));
  const edges = new Map<string, string[]>();
  for (const job of jobs) {
    const targets = (job.needs ?? [])
      .filter((need) => need.pipeline === undefined && need.project === undefined && names.has(need.job))
      .map((need) => need.job);
    edges.set(job.name, targets);
  }
  const cycles: string[][] = [];
  for (const job of jobs) if ((edges.get(job.name) ?? []).includes(job.name)) cycles.push([job.name]);
  for (const component of stronglyConnected(jobs.map((job) => job.name), edges)) {
    if (component.length > 1) cycles.push(component);
  }
  return cycles;
}

function stronglyConnected(nodes: readonly string[], edges: ReadonlyMap<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++] as string;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) out.push(popComponent(frame.node, stack, onStack, nodes));
    }
  }
  return out;
}

function popComponent(root: string, stack: string[], onStack: Set<string>, order: readonly string[]): string[] {
  const members = new Set<string>();
  for (;;) {
    const node = stack.pop() as string;
    onStack.delete(node);
    members.add(node);
    if (node === root) break;
  }
  return members.size === 1 ? [root] : order.filter((name) => members.has(name));
}
