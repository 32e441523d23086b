// Resolution at scale: a 1,000-job configuration with an include, extends chains and !reference
// resolves completely and correctly. How fast is the benchmark's question (bench/run.js lists a
// 1,000-job pipeline and prints the figures), not a timed test's.
import { describe, expect, it } from 'vitest';
import { resolve } from './memory-reader.js';

function bigConfig(jobs: number): Record<string, string> {
  let main = 'include: [common.yml]\nvariables: {GLOBAL: "1"}\n';
  for (let i = 0; i < jobs; i++) {
    main += `job-${i}:\n  extends: [.base, .docker]\n  stage: test\n  variables:\n    N: "${i}"\n    F: 1.0\n  script:\n    - !reference [.setup, script]\n    - make test-${i}\n  rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n`;
  }
  const common = '.base:\n  image: alpine:3.20\n  variables: {A: a}\n  retry: 2\n.docker:\n  tags: [docker]\n  variables: {B: b}\n.setup:\n  script: [echo setup]\n';
  return { '.gitlab-ci.yml': main, 'common.yml': common };
}

describe('resolution at scale', () => {
  it('resolves 1,000 jobs with includes, extends and !reference', async () => {
    const first = await resolve(bigConfig(1000));
    expect(Object.keys(first.root)).toHaveLength(1000 + 4);
    const last = first.root['job-999'] as Record<string, unknown>;
    expect(last.variables).toEqual({ A: 'a', B: 'b', N: '999', F: 1 });
    expect(last.script).toEqual([['echo setup'], 'make test-999']);
    expect(last.tags).toEqual(['docker']);
  });
});
