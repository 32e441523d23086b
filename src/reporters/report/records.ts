// The NDJSON records of a run as the json reporter writes them (src/reporters/json.ts), read back for
// `glci report`. Unknown or damaged lines are skipped: a run that was killed leaves a torn last line.
import type { JobResult, PipelineResult } from '../../model/events.js';

export interface PlanRecordJob {
  name: string;
  stage: string;
  when: string;
  needs: string[] | null;
}

export type RunRecord =
  | { type: 'pipeline_start'; time: number; executor: string; name?: string; stages: string[]; jobs: PlanRecordJob[] }
  | { type: 'job_queued'; time: number; job: string; stage: string }
  | { type: 'job_start'; time: number; job: string; stage: string; attempt: number }
  | { type: 'job_output'; time: number; job: string; text: string }
  | { type: 'job_progress'; time: number; job: string; kind: string; image: string; layer?: string; status: string; detail?: string }
  | { type: 'job_end'; time: number; job: string; result: JobResult }
  | { type: 'pipeline_end'; time: number; result: PipelineResult };

const TYPES = new Set(['pipeline_start', 'job_queued', 'job_start', 'job_output', 'job_progress', 'job_end', 'pipeline_end']);

function isRecord(value: unknown): value is RunRecord {
  const v = value as { type?: unknown; time?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.type === 'string' && TYPES.has(v.type) && typeof v.time === 'number';
}

export function parseRunRecords(text: string): RunRecord[] {
  const records: RunRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isRecord(parsed)) records.push(parsed);
    } catch {
      continue;
    }
  }
  return records;
}
