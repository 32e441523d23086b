// `glci explain` as text: pure, from the Explanation the app built (the `--json` output is that
// object itself). The pipeline (workflow:rules) comes once, then each job asked about.
import type { Explanation, PipelineExplanation } from '../../model/explanation.js';
import { jobLines } from './job.js';
import { rulesLines } from './selection.js';

function pipelineLines(pipeline: PipelineExplanation): string[] {
  const named = pipeline.name === null ? '' : ` "${pipeline.name}"`;
  const head = pipeline.created ? `Pipeline${named}: created` : `Pipeline${named}: not created: ${pipeline.notCreatedReason ?? ''}`;
  const workflow = pipeline.workflow === null ? ['workflow:rules: none (every pipeline is created)'] : rulesLines('workflow:rules', pipeline.workflow);
  return [head, ...workflow];
}

export function renderExplanation(explanation: Explanation): string {
  const blocks = [pipelineLines(explanation.pipeline), ...explanation.jobs.map(jobLines)];
  if (explanation.jobs.length > 1) {
    blocks.splice(1, 0, [`${explanation.query} has ${explanation.jobs.length} instances: ${explanation.jobs.map((j) => j.name).join(', ')}`]);
  }
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}
