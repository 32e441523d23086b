import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { contextFlags, contextOptionsFrom } from '../cli/context-flags.js';
import { includeFlags, includeOptionsFrom } from '../cli/include-flags.js';
import { printWarnings } from '../cli/diagnostics.js';
import { graphPipeline, type PipelineGraph } from '../app/graph-pipeline.js';

export default class Graph extends BaseCommand {
  static override description = 'Draw the planned pipeline: stages in order and the needs: edges between jobs';
  static override examples = [
    '<%= config.bin %> graph',
    '<%= config.bin %> graph --format mermaid > pipeline.mmd',
    '<%= config.bin %> graph --format dot | dot -Tsvg > pipeline.svg',
    '<%= config.bin %> graph --json',
  ];
  static override flags = {
    ...contextFlags,
    ...includeFlags,
    format: Flags.string({
      description: 'text (terminal drawing), mermaid (flowchart) or dot (Graphviz)',
      options: ['text', 'mermaid', 'dot'],
      default: 'text',
      env: 'GLCI_FORMAT',
    }),
  };

  async run(): Promise<PipelineGraph> {
    const { flags } = await this.parse(Graph);
    const format = flags.format === 'mermaid' || flags.format === 'dot' ? flags.format : 'text';
    const result = await graphPipeline({
      ...contextOptionsFrom(flags),
      ...includeOptionsFrom(flags),
      file: flags.file,
      format,
      ...(process.stdout.columns ? { width: process.stdout.columns } : {}),
    });
    printWarnings(result.warnings, { limit: 3 });
    if (result.notCreatedReason) process.stderr.write(`No pipeline: ${result.notCreatedReason}\n`);
    if (!this.jsonEnabled()) process.stdout.write(result.rendered);
    return result.graph;
  }
}
