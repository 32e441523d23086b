// A job's variables as text: the value it receives and the layer that won, each shadowed definition
// below it (highest first). Variables set in YAML or by the user come first; the predefined and
// runner ones, which are the same for every job, follow as their own group.
import type { DotenvSourceExplanation, VariableExplanation } from '../../model/explanation.js';
import { originText, quoted } from './text-values.js';

function flags(v: VariableExplanation): string {
  const marks = [v.masked ? 'masked' : '', v.file ? 'file' : '', v.raw ? 'raw' : ''].filter(Boolean);
  return marks.length === 0 ? '' : ` [${marks.join(', ')}]`;
}

function variableLines(v: VariableExplanation, width: number): string[] {
  const value = v.value === null ? '(set by a dotenv report when the job runs)' : quoted(v.value);
  const written = v.written === undefined ? '' : `  (written ${quoted(v.written)})`;
  const lines = [`  ${v.key.padEnd(width)}  ${value}${written}  ← ${originText(v.origin)}${flags(v)}`];
  for (const s of v.shadowed) lines.push(`  ${''.padEnd(width)}    shadowed: ${originText(s)} = ${quoted(s.value)}`);
  if (v.dotenvFrom !== undefined && v.value !== null) {
    lines.push(`  ${''.padEnd(width)}    a dotenv report of ${v.dotenvFrom.join(', ')} overrides it when the job runs`);
  }
  return lines;
}

/** Predefined CI_* values (the runner's CI_RUNNER_* too) nobody overrode: the same in every job. */
function isBuiltIn(v: VariableExplanation): boolean {
  const runnerIdentity = v.origin.layer === 'runner' && v.key.startsWith('CI_');
  return (v.origin.layer === 'predefined' || runnerIdentity) && v.shadowed.length === 0;
}

function keyWidth(variables: readonly VariableExplanation[]): number {
  return Math.min(32, Math.max(0, ...variables.map((v) => v.key.length)));
}

export function variablesLines(variables: readonly VariableExplanation[]): string[] {
  const own = variables.filter((v) => !isBuiltIn(v));
  const builtIn = variables.filter(isBuiltIn);
  const lines = [`Variables (${own.length}; the winning layer after ←, shadowed definitions below it)`];
  if (own.length === 0) lines.push('  none besides the predefined ones');
  for (const v of own) lines.push(...variableLines(v, keyWidth(own)));
  if (builtIn.length > 0) {
    lines.push('', `Predefined variables (${builtIn.length})`);
    for (const v of builtIn) lines.push(...variableLines(v, keyWidth(builtIn)));
  }
  return lines;
}

export function dotenvLines(sources: readonly DotenvSourceExplanation[]): string[] {
  if (sources.length === 0) return [];
  const lines = ['Dotenv sources (values are known only once they run; they override all but user variables)'];
  for (const s of sources) {
    const keys = s.keys === null
      ? 'no report from a local run yet'
      : `last local run (pipeline ${s.pipelineId}) reported ${s.keys.length === 0 ? 'no keys' : s.keys.join(', ')}`;
    lines.push(`  ${s.job}: ${keys}`);
  }
  return lines;
}
