// The planner: PipelineConfig + PipelineContext → Plan (GitLab's pipeline creation, spec §8.1). Pure.
export { planPipeline, NO_JOBS_REASON, WORKFLOW_FILTERED_REASON } from './plan-pipeline.js';
