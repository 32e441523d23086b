// GitLab's nested expansion of variable values before a job is sent to the runner (gitlab-ci-yaml.md §7.3,
// Ci::Variables::Collection#sort_and_expand_all): values are expanded in dependency order with the values
// already expanded; `$$`/`%%` escapes, unknown names, and references to raw or file variables are left for
// the runner; a reference cycle fails the job at pipeline creation.
import { ConfigError } from '../errors.js';
import type { JobVariable } from '../model/plan.js';

// `$$` and `%%` first so that they are consumed as escapes, never as the start of a reference.
const VALUE_REFERENCE = /\$\$|%%|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|%([A-Za-z_][A-Za-z0-9_]*)%/g;

function referencedNames(value: string): string[] {
  const names: string[] = [];
  for (const m of value.matchAll(VALUE_REFERENCE)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Strongly connected components with more than one variable, in Tarjan's discovery order (as Ruby's TSort). */
function findCycles(keys: string[], children: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (key: string): void => {
    index.set(key, index.size);
    low.set(key, index.get(key)!);
    stack.push(key);
    onStack.add(key);
    for (const child of children.get(key) ?? []) {
      if (!index.has(child)) {
        visit(child);
        low.set(key, Math.min(low.get(key)!, low.get(child)!));
      } else if (onStack.has(child)) {
        low.set(key, Math.min(low.get(key)!, index.get(child)!));
      }
    }
    if (low.get(key) !== index.get(key)) return;
    const component = stack.splice(stack.lastIndexOf(key));
    component.forEach((k) => onStack.delete(k));
    if (component.length > 1) cycles.push(component);
  };
  for (const key of keys) if (!index.has(key)) visit(key);
  return cycles;
}

function expandValue(value: string, resolve: (name: string) => JobVariable | undefined, expanded: Map<string, string>): string {
  return value.replace(VALUE_REFERENCE, (whole: string, plain?: string, braced?: string, percent?: string) => {
    const name = plain ?? braced ?? percent;
    if (name === undefined) return whole;
    const target = resolve(name);
    // Unknown (the runner may know it), raw, file-type, or not expanded yet (a self-reference): keep.
    if (!target || target.raw || target.file || !expanded.has(name)) return whole;
    return expanded.get(name)!;
  });
}

/**
 * Expands every non-raw value with the others, in dependency order; keeps the list order. Throws a
 * ConfigError `<job>: circular variable reference detected: ["A", "B"]` for reference cycles.
 */
export function expandVariableValues(vars: JobVariable[], jobName: string): JobVariable[] {
  // Later definitions of a key win, as in GitLab's collection lookup.
  const byKey = new Map<string, JobVariable>();
  for (const v of vars) byKey.set(v.key, v);
  const keys = [...byKey.keys()];
  const children = new Map<string, string[]>();
  for (const [key, v] of byKey) {
    children.set(key, v.raw ? [] : referencedNames(v.value).filter((name) => byKey.has(name)));
  }
  const cycles = findCycles(keys, children);
  if (cycles.length > 0) {
    const list = cycles.map((c) => `[${c.map((k) => JSON.stringify(k)).join(', ')}]`).join(', ');
    throw ConfigError.at(null, `${jobName}: circular variable reference detected: ${list}`);
  }
  const expanded = new Map<string, string>();
  const visiting = new Set<string>();
  const expand = (key: string): void => {
    if (expanded.has(key) || visiting.has(key)) return;
    visiting.add(key);
    for (const child of children.get(key) ?? []) expand(child);
    const v = byKey.get(key)!;
    expanded.set(key, v.raw ? v.value : expandValue(v.value, (name) => byKey.get(name), expanded));
  };
  keys.forEach(expand);
  return vars.map((v) => (byKey.get(v.key) === v ? { ...v, value: expanded.get(v.key)! } : { ...v }));
}
