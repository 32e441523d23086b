// A workspace with real shell-executor environments for the artifact and cache store tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShellExecutor } from '../../src/executors/shell/shell-executor.js';
import type { PlannedJob } from '../../src/model/plan.js';
import { createWorkspace, prepareJob, testJob, type PreparedJob } from '../executors/contract-support.js';

export function storeWorkspace() {
  const workspace = createWorkspace();
  const prepared: PreparedJob[] = [];
  let id = 0;
  return {
    stateDir: workspace.stateDir,
    store: { stateDir: workspace.stateDir, pipelineId: 7 },
    /** A fresh job environment (a copy of the sample project). */
    async job(name: string, overrides: Partial<PlannedJob> = {}): Promise<PreparedJob> {
      id++;
      const p = await prepareJob(createShellExecutor({ killGraceMs: 500 }), testJob(name, overrides), workspace, id);
      prepared.push(p);
      return p;
    },
    async cleanup(): Promise<void> {
      for (const p of prepared.splice(0)) await p.env.cleanup();
    },
    dispose(): void {
      workspace.dispose();
    },
  };
}

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'glci-scratch-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
