// `glci graph` end to end on the needs fixture (test/run-fixtures/dag): text by default, the other
// formats by flag or GLCI_FORMAT, the graph as data with --json.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, glciEnv, type RunProject } from '../run/run-support.js';

const cliEntry = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

describe('glci graph', () => {
  let project: RunProject;
  beforeAll(async () => {
    project = await createRunProject('dag');
  });
  afterAll(() => project.remove());

  const graph = (args: string[], env: Record<string, string> = {}) =>
    execa(process.execPath, [cliEntry, 'graph', '--cwd', project.dir, ...args], { env: { ...glciEnv(project), ...env }, extendEnv: false, reject: false });

  it('draws stage columns and the needs edge in the terminal format', async () => {
    const result = await graph([]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^build\s+test\s+deploy\n/);
    expect(result.stdout).toContain('Stage order: build → test → deploy');
    expect(result.stdout).toContain('Needs:\n  fast → dag-test');
  });

  it('writes mermaid with --format and dot with GLCI_FORMAT', async () => {
    const mermaid = await graph(['--format', 'mermaid']);
    expect(mermaid.stdout.split('\n')[0]).toBe('flowchart LR');
    const dot = await graph([], { GLCI_FORMAT: 'dot' });
    expect(dot.stdout).toContain('"fast" -> "dag-test";');
  });

  it('returns the graph as JSON', async () => {
    const result = await graph(['--json']);
    const parsed = JSON.parse(result.stdout) as { stages: { name: string }[]; edges: unknown[] };
    expect(parsed.stages.map((s) => s.name)).toEqual(['build', 'test', 'deploy']);
    expect(parsed.edges).toEqual([{ from: 'fast', to: 'dag-test' }]);
  });
});
