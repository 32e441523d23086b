// `glci report`'s page: recorded run events (NDJSON) → one self-contained HTML page. Pure: no I/O.
export { parseRunRecords, type RunRecord } from './records.js';
export { renderReport, type ReportInput } from './page.js';
export { buildTimeline, criticalPath, type Attempt, type Segment, type Timeline } from './timeline.js';
export { renderLogHtml } from './log-html.js';
