// A workspace with real shell-executor environments for the artifact and cache store tests.
import { createShellExecutor } from '../../src/executors/shell/shell-executor.js';
import type { PlannedJob } from '../../src/model/plan.js';
import { createWorkspace, prepareJob, testJob, type PreparedJob } from '../executors/contract-support.js';

/** Created lazily, so a test file whose tests are all filtered out leaves nothing behind. */
export function storeWorkspace() {
  let created: ReturnType<typeof createWorkspace> | undefined;
  const workspace = () => (created ??= createWorkspace());
  const prepared: PreparedJob[] = [];
  let id = 0;
  return {
    get stateDir() {
      return workspace().stateDir;
    },
    get store() {
      return { stateDir: workspace().stateDir, pipelineId: 7 };
    },
    /** A fresh job environment (a copy of the sample project). */
    async job(name: string, overrides: Partial<PlannedJob> = {}): Promise<PreparedJob> {
      id++;
      const p = await prepareJob(createShellExecutor({ killGraceMs: 500 }), testJob(name, overrides), workspace(), id);
      prepared.push(p);
      return p;
    },
    async cleanup(): Promise<void> {
      for (const p of prepared.splice(0)) await p.env.cleanup();
    },
    dispose(): void {
      created?.dispose();
    },
  };
}
