// Reporters: observers of PipelineEvent. The composition root (src/app/) picks them and fans events out.
export { createJsonReporter, type JsonReporterOptions } from './json.js';
export { createPlainReporter, type PlainReporterOptions } from './plain.js';
export { type EventOf, type OutputStream, type Reporter, fanOut, shouldUseColor } from './reporter.js';
export { formatDuration } from './summary.js';
