// A 1,000-job configuration must resolve fast (the budget is well under 0.3 s on a quiet machine;
// the bound here is loose so that a loaded CI machine does not fail it, yet catches quadratic work).
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

describe('performance', () => {
  it('resolves 1,000 jobs with includes, extends and !reference quickly', async () => {
    const files = bigConfig(1000);
    await resolve(bigConfig(10));
    const start = performance.now();
    const result = await resolve(files);
    const elapsed = performance.now() - start;
    expect(Object.keys(result.root)).toHaveLength(1000 + 4);
    expect((result.root['job-999'] as Record<string, unknown>).variables).toEqual({ A: 'a', B: 'b', N: '999', F: 1 });
    expect(elapsed).toBeLessThan(1500);
  });
});
