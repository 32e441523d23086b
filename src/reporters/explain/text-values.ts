// How values and variable origins read in `glci explain`'s text.
import type { VariableOrigin } from '../../model/explanation.js';

const MASKED = '[MASKED]';

/** A value in double quotes with escapes (so spaces, empty values and newlines show), [MASKED] as it is. */
export function quoted(value: string): string {
  return value === MASKED ? value : JSON.stringify(value);
}

const LAYER_NAMES: Record<VariableOrigin['layer'], string> = {
  runner: 'runner config',
  predefined: 'predefined',
  global: 'global variables',
  workflow: 'workflow:rules:variables',
  job: 'job variables',
  matrix: 'parallel:matrix',
  rules: 'rules:variables',
  dotenv: 'dotenv',
  user: 'user variables',
};

/** `job variables`, `--variable`, `~/.glci/variables.yml`, `dotenv of build`, `runner config (runner "x" of …)`. */
export function originText(origin: VariableOrigin): string {
  if (origin.source === undefined) return LAYER_NAMES[origin.layer];
  if (origin.layer === 'user') return origin.source;
  if (origin.layer === 'dotenv') return `dotenv of ${origin.source}`;
  return `${LAYER_NAMES[origin.layer]} (${origin.source})`;
}
