// Which glci process owns which pipeline of a state directory: `<stateDir>/runs/<pipelineId>.json`
// holds the pid of the run. `glci clean` reads it to tell a crashed run's leftovers (builds copies,
// pipeline folders) from those of a run that is still going; the Docker labels carry the same pid
// for engine resources.
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** What one marker file holds. */
export interface RunMarker {
  pid: number;
  pipelineId: string;
  startedAt: string;
  projectDir: string;
}

export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}

export function runMarkerPath(stateDir: string, pipelineId: number | string): string {
  return join(runsDir(stateDir), `${pipelineId}.json`);
}

/**
 * Records that this process runs `pipelineId`; the returned function removes the marker again (call it
 * when the run ends, whatever its result). A run that crashes leaves the marker, with a dead pid.
 */
export async function registerRun(stateDir: string, pipelineId: number, projectDir: string, pid = process.pid): Promise<() => Promise<void>> {
  const marker: RunMarker = { pid, pipelineId: String(pipelineId), startedAt: new Date().toISOString(), projectDir };
  const file = runMarkerPath(stateDir, pipelineId);
  // Synchronous: a run's start-up waits for it, and two small calls cost less than two thread-pool trips.
  mkdirSync(runsDir(stateDir), { recursive: true });
  writeFileSync(file, `${JSON.stringify(marker)}\n`);
  return () => rm(file, { force: true });
}

function isMarker(value: unknown): value is RunMarker {
  const v = value as Partial<RunMarker> | null;
  return typeof v === 'object' && v !== null && typeof v.pid === 'number' && typeof v.pipelineId === 'string';
}

/** Pipeline id → marker, for every readable marker of the state directory. */
export async function readRunMarkers(stateDir: string): Promise<Map<string, RunMarker>> {
  const markers = new Map<string, RunMarker>();
  let names: string[];
  try {
    names = await readdir(runsDir(stateDir));
  } catch {
    return markers;
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const parsed: unknown = JSON.parse(await readFile(join(runsDir(stateDir), name), 'utf8'));
      // A half-written or foreign file says nothing about a run; it is ignored, not trusted.
      if (isMarker(parsed) && `${parsed.pipelineId}.json` === name) markers.set(parsed.pipelineId, parsed);
    } catch {
      continue;
    }
  }
  return markers;
}
