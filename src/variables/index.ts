// Public API of variables: predefined CI_* variables, precedence, `$` expansion and log masking.
export { environmentSlug, slugify } from './slug.js';
export {
  DEFAULT_SERVER_VERSION,
  PERSISTED_VARIABLES,
  type PredefinedOptions,
  ZERO_SHA,
  commitDescription,
  commitTitle,
  predefinedVariables,
  projectUrl,
} from './predefined.js';
export { type JobFacts, type RunnerFacts, environmentTier, jobPredefinedVariables, runnerVariables } from './job-variables.js';
export { type VariableLookup, expandKeyword, expandRunner } from './expand.js';
export { expandRunnerValue, expandRunnerVariables, runnerLookup } from './runner-expansion.js';
export { expandVariableValues } from './nested.js';
export { mergeVariableLayers } from './layers.js';
export { isGoTrue } from './go-bool.js';
export { featureFlagOn } from './feature-flags.js';
export {
  DEFAULT_TOKEN_PREFIXES,
  MASKED,
  type Masker,
  type MaskerOptions,
  createMasker,
  maskPhrases,
  maskText,
} from './masker.js';
