// The engine's public surface: run a Plan, map its result to an exit status, and the ports it needs.
export { runPipeline } from './scheduler.js';
export { exitCodeFor, hasSystemFailure } from './exit-status.js';
export { formatGoDuration, parseGoDuration } from './go-duration.js';
export { systemClock } from './options.js';
export type {
  Clock,
  DotenvVariable,
  EngineOptions,
  JobFailureContext,
  JobLogger,
  JobRoute,
  JobServices,
  SaveOutcome,
  SavedArtifacts,
  ScriptJobStatus,
  ScriptRequest,
  ScriptStage,
  StageContext,
  TimerHandle,
} from './options.js';
