// `glci graph` renderers: stage order drawn once, one edge per `needs:` entry, in each format.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/model/plan.js';
import { graphOf, renderDot, renderMermaid, renderText } from '../../src/reporters/graph/index.js';
import { plannedJob } from '../support/planned-job.js';

const need = (job: string) => ({ job, artifacts: true });

/** build: slow, fast · test: dag-test (needs fast), staged-test, lint (needs: []) · deploy: deploy "prod" (manual). */
const plan: Plan = {
  stages: ['build', 'test', 'deploy'],
  jobs: [
    plannedJob('slow', { stage: 'build', stageIndex: 0 }),
    plannedJob('fast', { stage: 'build', stageIndex: 0 }),
    plannedJob('dag-test', { stage: 'test', stageIndex: 1, needs: [need('fast')] }),
    plannedJob('staged-test', { stage: 'test', stageIndex: 1 }),
    plannedJob('lint', { stage: 'test', stageIndex: 1, needs: [] }),
    plannedJob('deploy "prod"', { stage: 'deploy', stageIndex: 2, when: 'manual', needs: [need('dag-test'), need('staged-test')] }),
  ],
  excluded: [],
  globalVariables: [],
};

describe('graph model', () => {
  it('groups jobs by stage and keeps only needs edges (stage order is not expanded to N×M edges)', () => {
    const graph = graphOf(plan);
    expect(graph.stages.map((s) => [s.name, s.jobs.map((j) => j.name)])).toEqual([
      ['build', ['slow', 'fast']],
      ['test', ['dag-test', 'staged-test', 'lint']],
      ['deploy', ['deploy "prod"']],
    ]);
    expect(graph.edges).toEqual([
      { from: 'fast', to: 'dag-test' },
      { from: 'dag-test', to: 'deploy "prod"' },
      { from: 'staged-test', to: 'deploy "prod"' },
    ]);
    expect(graph.stages[1]?.jobs.map((j) => j.waits)).toEqual(['needs', 'stage', 'nothing']);
  });
});

describe('mermaid', () => {
  it('draws one subgraph per stage, dotted stage-order links and solid needs links', () => {
    expect(renderMermaid(graphOf(plan))).toBe(
      [
        'flowchart LR',
        '  subgraph s0["build"]',
        '    j0["slow"]',
        '    j1["fast"]',
        '  end',
        '  subgraph s1["test"]',
        '    j2["dag-test"]',
        '    j3["staged-test"]',
        '    j4["lint"]',
        '  end',
        '  subgraph s2["deploy"]',
        '    j5["deploy #quot;prod#quot;"]',
        '  end',
        '  s0 -.->|stage order| s1',
        '  s1 -.->|stage order| s2',
        '  j1 --> j2',
        '  j2 --> j5',
        '  j3 --> j5',
        '',
      ].join('\n'),
    );
  });
});

describe('dot', () => {
  it('draws clusters, compound stage-order edges and needs edges, quoting names', () => {
    const dot = renderDot(graphOf(plan));
    expect(dot).toContain('digraph pipeline {');
    expect(dot).toContain('  subgraph cluster_0 {\n    label="build";\n    "slow";\n    "fast";\n  }');
    expect(dot).toContain('"slow" -> "dag-test" [ltail=cluster_0, lhead=cluster_1, style=dashed, label="stage order"];');
    expect(dot).toContain('"dag-test" -> "deploy \\"prod\\"" [ltail=cluster_1, lhead=cluster_2');
    expect(dot).toContain('  "fast" -> "dag-test";');
    expect(dot).toContain('  "staged-test" -> "deploy \\"prod\\"";');
    expect(dot.match(/->/g)).toHaveLength(5);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });
});

describe('text', () => {
  it('puts stages side by side within 80 columns, then stage order and needs as arrows', () => {
    const text = renderText(graphOf(plan));
    const lines = text.trimEnd().split('\n');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines[0]).toMatch(/^build\s+test\s+deploy$/);
    expect(lines[2]).toMatch(/^slow\s+dag-test ◂\s+deploy "prod" \(manual\) ◂$/);
    expect(lines[3]).toMatch(/^fast\s+staged-test$/);
    expect(lines[4]).toMatch(/^\s+lint ◦$/);
    expect(text).toContain('Stage order: build → test → deploy');
    expect(text).toContain('Needs:\n  fast → dag-test\n  dag-test → deploy "prod"\n  staged-test → deploy "prod"\n');
  });

  it('stacks stages when the columns do not fit the width', () => {
    const lines = renderText(graphOf(plan), { width: 30 }).split('\n');
    expect(lines.slice(0, 4)).toEqual(['build', '  slow', '  fast', '']);
    expect(lines).toContain('test');
    expect(lines).toContain('  lint ◦');
  });

  it('says so when there is nothing to draw', () => {
    expect(renderText({ stages: [], edges: [] })).toBe('No jobs.\n');
  });
});
