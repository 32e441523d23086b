// GitLab Runner's own `$VAR` expansion (gitlab-ci-yaml.md §7.3, mechanism 2): what the runner does to
// variable values, cache keys, artifact names and paths before using them. It is Go's `os.Expand`
// with the runner's `JobVariables.Get` as the mapping (gitlab-runner common/variables.go):
// `$NAME` / `${NAME}` only, a single pass, `$$` → `$`, shell-special names (`$1`, `$*`, `$?`, ...) →
// empty, unknown names → empty, the last definition of a key wins, raw variables are not expanded.
import type { JobVariable } from '../model/plan.js';

/** Resolves one name the way `JobVariables.Get` does. */
export type RunnerLookup = (name: string) => string;

const SPECIAL_EMPTY = new Set(['*', '#', '@', '!', '?', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
const SHELL_SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function isAlphaNum(c: string): boolean {
  return c === '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** Go's `getShellName`: the name after a `$` and how many characters it spans. */
function shellName(s: string): { name: string; width: number } {
  if (s[0] === '{') {
    if (s.length > 2 && SHELL_SPECIAL.has(s[1] ?? '') && s[2] === '}') return { name: s.slice(1, 2), width: 3 };
    const close = s.indexOf('}', 1);
    if (close === 1) return { name: '', width: 2 }; // bad syntax: `${}` is eaten
    if (close === -1) return { name: '', width: 1 }; // bad syntax: `${` is eaten
    return { name: s.slice(1, close), width: close + 1 };
  }
  if (SHELL_SPECIAL.has(s[0] ?? '')) return { name: s.slice(0, 1), width: 1 };
  let i = 0;
  while (i < s.length && isAlphaNum(s[i] ?? '')) i++;
  return { name: s.slice(0, i), width: i };
}

/** Go `os.Expand(value, lookup)`: a `$` not followed by a name is kept; a trailing `$` is kept. */
export function expandWith(value: string, lookup: RunnerLookup): string {
  let out = '';
  let from = 0;
  for (let j = 0; j < value.length; j++) {
    if (value[j] !== '$' || j + 1 >= value.length) continue;
    out += value.slice(from, j);
    const { name, width } = shellName(value.slice(j + 1));
    if (name === '' && width === 0) out += '$';
    else if (name !== '') out += lookup(name);
    j += width;
    from = j + 1;
  }
  return out + value.slice(from);
}

/** The runner's `JobVariables.Get` over a variable list. */
export function runnerLookup(variables: readonly JobVariable[]): RunnerLookup {
  const values = new Map<string, string>();
  for (const v of variables) values.set(v.key, v.value);
  return (name) => {
    if (name === '$') return '$';
    if (SPECIAL_EMPTY.has(name)) return '';
    return values.get(name) ?? '';
  };
}

/** Expands `value` with `variables` exactly as the runner's `ExpandValue` does. */
export function expandRunner(value: string, variables: readonly JobVariable[]): string {
  return expandWith(value, runnerLookup(variables));
}

/**
 * The runner's `JobVariables.Expand()`: every non-raw value expanded once against the unexpanded list
 * (so `A: $B`, `B: $C` gives A the literal value of B, not C's). This is `GetAllVariables()`.
 */
export function expandRunnerVariables(variables: readonly JobVariable[]): JobVariable[] {
  const lookup = runnerLookup(variables);
  return variables.map((v) => (v.raw ? { ...v } : { ...v, value: expandWith(v.value, lookup) }));
}
