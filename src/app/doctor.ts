// `glci doctor`: can glci run jobs here, and if not, what to do. One check per concern (engine,
// privileges, Docker-in-Docker, runner config, git checkout, state directory, Node.js), each a line of
// plain data; the command prints them or, with --json, returns them as they are.
import { doctorExitCode, type DoctorReport } from './doctor-check.js';
import type { DoctorOptions } from './doctor-engine-checks.js';
import { checkGit, checkNode, checkRunnerConfig, checkStateDir } from './doctor-host.js';
import { resolveStateDir } from './state-dir.js';

export type { CheckStatus, DoctorCheck, DoctorReport } from './doctor-check.js';
export { doctorLines, formatCheck } from './doctor-check.js';
export type { DoctorOptions } from './doctor-engine-checks.js';

/** The Docker-in-Docker image doctor starts unless told otherwise. */
export const DEFAULT_DIND_IMAGE = 'docker:24.0.5-dind';

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { projectDir, stateDir } = resolveStateDir({ ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.stateDir ? { stateDir: options.stateDir } : {}) });
  const [configResult, git, state] = await Promise.all([
    checkRunnerConfig({ ...(options.configPath ? { path: options.configPath } : {}), env: options.env }),
    checkGit(projectDir),
    checkStateDir(stateDir),
  ]);
  // The engine checks load dockerode: only now, never when a command merely imports this module.
  const { engineChecks } = await import('./doctor-engine-checks.js');
  const engine = await engineChecks({ ...options, dindImage: options.dindImage ?? DEFAULT_DIND_IMAGE }, configResult.config);
  const checks = [...engine, configResult.check, git, state, checkNode(options.nodeVersion ?? process.version)];
  return { checks, exitCode: doctorExitCode(checks) };
}
