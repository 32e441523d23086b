// NDJSON reporter: one JSON object per event, for machines. Jobs are identified by name; the full planned
// job is not serialised because its variables hold masked values.
import type { PipelineEvent } from '../model/events.js';
import type { OutputStream, Reporter } from './reporter.js';

export interface JsonReporterOptions {
  stream: OutputStream;
}

export function createJsonReporter(options: JsonReporterOptions): Reporter {
  const write = (event: PipelineEvent) => options.stream.write(`${JSON.stringify(toRecord(event))}\n`);
  return {
    onPipelineStart: write,
    onJobQueued: write,
    onJobScheduled: write,
    onJobStart: write,
    onJobOutput: write,
    onJobProgress: write,
    onJobEnd: write,
    onPipelineEnd: write,
  };
}

function toRecord(event: PipelineEvent): Record<string, unknown> {
  const { type, time } = event;
  switch (event.type) {
    case 'pipeline_start': {
      const { plan } = event;
      const jobs = plan.jobs.map((j) => ({ name: j.name, stage: j.stage, when: j.when, needs: j.needs?.map((n) => n.job) ?? null }));
      return { type, time, executor: event.executor, ...(plan.name ? { name: plan.name } : {}), stages: plan.stages, jobs, excluded: plan.excluded };
    }
    case 'job_queued':
      return { type, time, job: event.job.name, stage: event.job.stage };
    case 'job_scheduled':
      return { type, time, job: event.job, startsAt: event.startsAt };
    case 'job_start':
      return { type, time, job: event.job.name, stage: event.job.stage, attempt: event.attempt };
    case 'job_output':
      return { type, time, job: event.job, text: event.chunk };
    case 'job_progress':
      return { type, time, job: event.job, ...event.progress };
    case 'job_end':
      return { type, time, job: event.result.name, result: event.result };
    case 'pipeline_end':
      return { type, time, result: event.result };
  }
}
