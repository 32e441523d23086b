// A 1,000-job configuration must resolve fast. Most of the time is the `yaml` package's parser;
// resolution itself (conversion, locations, include merge, extends, !reference) must stay a small
// linear overhead on top of it. Minimums over a few runs keep the check stable on a busy machine.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PARSE_OPTIONS } from '../../../src/config/yaml/documents.js';
import { resolve } from './memory-reader.js';

function bigConfig(jobs: number): Record<string, string> {
  let main = 'include: [common.yml]\nvariables: {GLOBAL: "1"}\n';
  for (let i = 0; i < jobs; i++) {
    main += `job-${i}:\n  extends: [.base, .docker]\n  stage: test\n  variables:\n    N: "${i}"\n    F: 1.0\n  script:\n    - !reference [.setup, script]\n    - make test-${i}\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n`;
  }
  const common = '.base:\n  image: alpine:3.20\n  variables: {A: a}\n  retry: 2\n.docker:\n  tags: [docker]\n  variables: {B: b}\n.setup:\n  script: [echo setup]\n';
  return { '.gitlab-ci.yml': main, 'common.yml': common };
}

async function fastest(runs: number, work: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('performance', () => {
  it('resolves 1,000 jobs with includes, extends and !reference with a small overhead over parsing', async () => {
    const files = bigConfig(1000);
    const first = await resolve(files);
    expect(Object.keys(first.root)).toHaveLength(1000 + 4);
    expect((first.root['job-999'] as Record<string, unknown>).variables).toEqual({ A: 'a', B: 'b', N: '999', F: 1 });
    const text = files['.gitlab-ci.yml'] ?? '';
    const parse = await fastest(3, () => parseAllDocuments(text, PARSE_OPTIONS));
    const full = await fastest(3, () => resolve(files));
    expect(full - parse).toBeLessThan(150);
    expect(full).toBeLessThan(1000);
  });
});
