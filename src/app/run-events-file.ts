// Keeps every run's events on disk for `glci report`: the json reporter's NDJSON records (masked: job
// output is masked by the engine, planned jobs are reduced to names) written to
// `<stateDir>/pipelines/<pipelineId>/events.ndjson` as they happen, so memory stays bounded whatever the
// log volume and a crashed run still leaves what it saw.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipelineEventsFile } from '../artifacts/state-paths.js';
import { createJsonReporter, type OutputStream, type Reporter } from '../reporters/index.js';

export interface RunEventsFile {
  reporter: Reporter;
  path: string;
  /** Flushes and closes the file; says on `stderr` when the record could not be written. */
  close(): Promise<void>;
}

export async function openRunEventsFile(stateDir: string, pipelineId: number, stderr: OutputStream): Promise<RunEventsFile> {
  const path = pipelineEventsFile(stateDir, pipelineId);
  try {
    mkdirSync(dirname(path), { recursive: true }); // synchronous: microseconds, on the way to the first job
  } catch (error) {
    // As for a full disk below: the run goes on without its record.
    stderr.write(`warning: the run's events are not kept: ${error instanceof Error ? error.message : String(error)}\n`);
    return { reporter: {}, path, close: () => Promise.resolve() };
  }
  // A new file per run: a second run that got the same id (same second) must not mix into the first's record.
  const file = createWriteStream(path, { flags: 'w' });
  let failure: Error | null = null;
  // A full disk must not fail the pipeline: the record is a by-product, so writing just stops.
  file.on('error', (error) => {
    failure = error;
  });
  const stream: OutputStream = { write: (chunk: string) => failure === null && file.write(chunk) };
  const close = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        if (failure) stderr.write(`warning: the run's events were not fully written to ${path}: ${failure.message}\n`);
        resolve();
      };
      if (failure || file.closed) return done();
      file.end(done);
    });
  return { reporter: createJsonReporter({ stream }), path, close };
}
