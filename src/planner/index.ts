// The planner: PipelineConfig + PipelineContext → Plan (GitLab's pipeline creation, spec §8.1). Pure.
export { planPipeline, NO_JOBS_REASON, WORKFLOW_FILTERED_REASON } from './plan-pipeline.js';
export { concreteJobs } from './parallel.js';
export { POLICY_KINDS } from './only-except.js';
export { PlanTrace, type ClauseRecord, type JobTrace, type LabelledLayer, type NeedRecord, type PolicyConditionRecord, type RulesLog } from './trace.js';
export { MissingComparison, compareToRefs } from './compare-to.js';
export { pipelineChangedFiles } from './pipeline-facts.js';
export { userVariables } from './variable-layers.js';
