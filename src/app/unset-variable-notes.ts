// Notes for jobs that use variables GitLab sets on the server but a local run cannot know: the
// container registry's (CI_REGISTRY, CI_REGISTRY_IMAGE, CI_REGISTRY_USER, CI_REGISTRY_PASSWORD exist only
// where GitLab has a registry for the project). glci leaves them unset unless the user gives them, and
// says so once per job instead of letting `docker login` fail on an empty host.
import type { PlannedJob } from '../model/plan.js';

const SERVER_ONLY = ['CI_REGISTRY', 'CI_REGISTRY_IMAGE', 'CI_REGISTRY_USER', 'CI_REGISTRY_PASSWORD', 'CI_DEPENDENCY_PROXY_SERVER', 'CI_DEPENDENCY_PROXY_USER', 'CI_DEPENDENCY_PROXY_PASSWORD'] as const;

function referenced(text: string, name: string): boolean {
  return new RegExp(`\\$(?:\\{${name}\\}|${name}(?![A-Za-z0-9_]))`).test(text);
}

/** One note per job that references a server-only variable left unset. */
export function unsetVariableNotes(jobs: readonly PlannedJob[]): string[] {
  const notes: string[] = [];
  for (const job of jobs) {
    const defined = new Set(job.variables.filter((v) => v.value !== '').map((v) => v.key));
    const text = [
      ...job.beforeScript,
      ...job.script,
      ...job.afterScript,
      job.image?.name ?? '',
      ...job.services.map((s) => s.name),
      ...job.variables.map((v) => v.value),
    ].join('\n');
    const missing = SERVER_ONLY.filter((name) => !defined.has(name) && referenced(text, name));
    if (missing.length === 0) continue;
    const list = missing.map((m) => `$${m}`).join(', ');
    notes.push(
      `note: job "${job.name}" uses ${list}, which GitLab sets only for projects with a container registry; they are unset in a local run: give them with --variable (e.g. --variable ${missing[0]}=...) or in .glci-variables.yml`,
    );
  }
  return notes;
}
