// One job's explanation as text: status, how it was selected, needs, artifact sources, final
// attributes, dotenv sources and variables.
import type { ArtifactsExplanation, JobAttributesExplanation, JobExplanation, NeedsExplanation } from '../../model/explanation.js';
import { onlyExceptLines, rulesLines } from './selection.js';
import { dotenvLines, variablesLines } from './variables.js';

function statusLine(job: JobExplanation): string {
  if (job.status === 'included') return 'Status: in the pipeline';
  if (job.status === 'excluded') return `Status: not in the pipeline (${job.reason ?? 'excluded'})`;
  return `Status: no pipeline is created (${job.reason ?? 'unknown reason'})`;
}

function selectionLines(job: JobExplanation): string[] {
  if (job.selection === null) return ['Job rules: not evaluated (the pipeline stopped before job selection)'];
  if (job.selection.kind === 'rules') return rulesLines('rules', job.selection.rules);
  return onlyExceptLines(job.selection.onlyExcept);
}

function needsLines(needs: NeedsExplanation | null, status: JobExplanation['status']): string[] {
  if (needs === null) return ['Needs: none (stage order applies)'];
  const from = needs.from === 'rule' ? "the matching rule's needs (they replace the job's)" : 'needs:';
  if (needs.entries === null) {
    const why = status === 'excluded' ? 'the job is not in the pipeline' : 'the pipeline stopped before';
    return [`Needs (${from}): not resolved (${why})`];
  }
  if (needs.entries.length === 0) return [`Needs (${from}): [] (starts at once)`];
  const lines = [`Needs (${from})`];
  for (const need of needs.entries) {
    const marks = [need.optional ? 'optional' : '', need.artifacts ? 'artifacts' : 'no artifacts'].filter(Boolean).join(', ');
    if (need.crossPipeline !== undefined) {
      lines.push(`  ${need.job} (${marks}) from ${need.crossPipeline}: another pipeline, not scheduled locally`);
      continue;
    }
    const targets = need.targets.map((t) => {
      if (t.outcome === 'needed') return t.job;
      if (t.outcome === 'dropped') return `${t.job} (not in the pipeline, dropped: optional)`;
      return `${t.job} (not in the pipeline: GitLab refuses to create the pipeline)`;
    });
    lines.push(`  ${need.job} (${marks}) → ${targets.join(', ') || 'no job'}`);
  }
  return lines;
}

function artifactsLines(artifacts: ArtifactsExplanation | null): string[] {
  if (artifacts === null) return [];
  const basis = artifacts.basis === 'earlier stages' ? 'every job of the earlier stages' : artifacts.basis === 'needs' ? 'the needs with artifacts' : 'dependencies:';
  const lines = [`Artifacts from (${basis}): ${artifacts.sources.length === 0 ? 'none' : artifacts.sources.join(', ')}`];
  for (const dep of artifacts.dependencies ?? []) {
    const absent = dep.jobs.filter((j) => !j.inPipeline).map((j) => j.job);
    if (absent.length > 0) lines.push(`  dependency ${dep.job}: ${absent.join(', ')} not in the pipeline (no artifacts from there)`);
  }
  return lines;
}

function attributesLine(attributes: JobAttributesExplanation | null): string[] {
  if (attributes === null) return [];
  const allow = typeof attributes.allowFailure === 'boolean' ? String(attributes.allowFailure) : `exit_codes ${attributes.allowFailure.exitCodes.join(', ')}`;
  const start = attributes.startIn === null ? '' : ` · start_in ${attributes.startIn} (${attributes.startInSeconds ?? '?'}s)`;
  return [`Final: when ${attributes.when} · allow_failure ${allow}${start} · interruptible ${attributes.interruptible}`];
}

export function jobLines(job: JobExplanation): string[] {
  const title = job.name === job.baseName ? job.name : `${job.name} (of ${job.baseName})`;
  const matrix = job.matrix === null ? '' : ` · matrix ${Object.entries(job.matrix).map(([k, v]) => `${k}=${v}`).join(', ')}`;
  const sections = [
    [`Job ${title} · stage ${job.stage}${matrix}`, statusLine(job)],
    selectionLines(job),
    attributesLine(job.attributes),
    needsLines(job.needs, job.status),
    artifactsLines(job.artifacts),
    dotenvLines(job.dotenv),
    job.variables === null ? [] : variablesLines(job.variables),
  ];
  return sections.filter((s) => s.length > 0).flatMap((s, i) => (i === 0 ? s : ['', ...s]));
}
