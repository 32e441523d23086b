// `expected-variables.json` of a fixture (test/fixtures/README.md): which variables one job of the
// pipeline has — with which value — and which it must not have, read from `glci list --json
// --show-variables`. Values that depend on the checkout (commit ids) are named by git revision.
import { execFileSync } from 'node:child_process';
import { isolatedEnv } from './fixture-git.js';

/** An exact value, `true` (set, any value), a revision's commit id, a merge commit of two revisions, or a pattern. */
export type ExpectedValue = string | true | { rev: string } | { mergeOf: [string, string] } | { pattern: string };

export interface ExpectedVariables {
  /** The job whose variables are checked; default: the first listed job. */
  job?: string;
  set?: Record<string, ExpectedValue>;
  unset?: string[];
}

function revParse(dir: string, rev: string): string {
  return execFileSync('git', ['rev-parse', '--verify', rev], { cwd: dir, env: isolatedEnv(), encoding: 'utf8' }).trim();
}

/** A description of what is wrong with `actual`, or null when it matches. */
function mismatch(dir: string, expected: ExpectedValue, actual: string): string | null {
  if (expected === true) return null;
  if (typeof expected === 'string') return actual === expected ? null : `expected ${JSON.stringify(expected)}`;
  if ('rev' in expected) {
    const sha = revParse(dir, expected.rev);
    return actual === sha ? null : `expected the commit of ${expected.rev} (${sha})`;
  }
  if ('pattern' in expected) return new RegExp(expected.pattern).test(actual) ? null : `expected to match /${expected.pattern}/`;
  const [first, second] = expected.mergeOf.map((rev) => revParse(dir, rev));
  if (!/^[0-9a-f]{40}$/.test(actual)) return `expected a merge commit of ${expected.mergeOf.join(' and ')}`;
  const parents = execFileSync('git', ['rev-list', '--parents', '-n', '1', actual], { cwd: dir, env: isolatedEnv(), encoding: 'utf8' }).trim().split(' ').slice(1);
  return parents.join(' ') === `${first} ${second}` ? null : `expected a merge commit with parents ${expected.mergeOf.join(', ')} (${first} ${second}), got parents ${parents.join(' ')}`;
}

/** Every problem found, as lines; empty when the job's variables are as expected. */
export function variableProblems(dir: string, expected: ExpectedVariables, jobs: { name: string; variables?: Record<string, string> }[]): string[] {
  const job = expected.job === undefined ? jobs[0] : jobs.find((j) => j.name === expected.job);
  if (!job) return [`no job ${expected.job ?? '(the pipeline is empty)'} in the list`];
  const variables = job.variables ?? {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(expected.set ?? {})) {
    const actual = variables[name];
    if (actual === undefined) problems.push(`${name}: not set`);
    else {
      const wrong = mismatch(dir, value, actual);
      if (wrong) problems.push(`${name}=${JSON.stringify(actual)}: ${wrong}`);
    }
  }
  for (const name of expected.unset ?? []) if (name in variables) problems.push(`${name}=${JSON.stringify(variables[name])}: expected unset`);
  return problems;
}
