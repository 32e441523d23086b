// `extends` (spec §3).
import { describe, expect, it } from 'vitest';
import { resolve, resolveErrors } from './memory-reader.js';

describe('extends', () => {
  it('merges parents in order under the job (spec §3.2 example)', async () => {
    const yaml = `.base:
  image: alpine:3.20
  variables: {A: base-a, B: base-b}
  script: [echo base]
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
.docker:
  variables: {B: docker-b, C: docker-c}
  tags: [docker]
  image: docker:27
job:
  extends: [.base, .docker]
  variables: {C: job-c}
  script: [echo job]
`;
    const { root } = await resolve({ '.gitlab-ci.yml': yaml });
    expect(root.job).toEqual({
      image: 'docker:27',
      variables: { A: 'base-a', B: 'docker-b', C: 'job-c' },
      script: ['echo job'],
      rules: [{ if: '$CI_COMMIT_BRANCH == "main"' }],
      tags: ['docker'],
      extends: ['.base', '.docker'],
    });
  });

  it('removes with null, replaces with [], keeps with {}', async () => {
    const { root } = await resolve({
      '.gitlab-ci.yml': '.base: {script: test, variables: {V: "1"}, cache: {paths: [x/]}}\nt1: {extends: .base, variables: null}\nt2: {extends: .base, cache: []}\nt3: {extends: .base, variables: {}}\n',
    });
    expect(root.t1).toEqual({ script: 'test', variables: null, cache: { paths: ['x/'] }, extends: '.base' });
    expect(root.t2).toEqual({ script: 'test', variables: { V: '1' }, cache: [], extends: '.base' });
    expect((root.t3 as Record<string, unknown>).variables).toEqual({ V: '1' });
  });

  it('extends bases first, across included files, and writes extended bases back', async () => {
    const { root } = await resolve({
      '.gitlab-ci.yml': 'include: base.yml\nc: {extends: b, script: c}\n',
      'base.yml': 'a: {image: a, tags: [a]}\nb: {extends: a, tags: [b]}\n',
    });
    expect(root.c).toEqual({ image: 'a', tags: ['b'], extends: 'b', script: 'c' });
    expect(root.b).toEqual({ image: 'a', tags: ['b'], extends: 'a' });
  });

  it('allows 10 ancestors and refuses 11', async () => {
    const chain = (n: number) => {
      let yaml = 'l0: {script: x}\n';
      for (let i = 1; i <= n; i++) yaml += `l${i}: {extends: l${i - 1}}\n`;
      return yaml;
    };
    await expect(resolve({ '.gitlab-ci.yml': chain(11) })).resolves.toBeDefined();
    const errors = await resolveErrors({ '.gitlab-ci.yml': chain(12) });
    // l12 → l11 → … → l1: l1 is reached with 11 ancestors.
    expect(errors).toEqual(['.gitlab-ci.yml:2:6: l1: nesting too deep in `extends`']);
  });

  it('detects cycles and names the entry met again', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': 'a:\n  extends: b\nb:\n  extends: a\n' })).toEqual([
      '.gitlab-ci.yml:2:3: a: circular dependency detected in `extends`',
      '.gitlab-ci.yml:4:3: b: circular dependency detected in `extends`',
    ]);
    expect(await resolveErrors({ '.gitlab-ci.yml': 'a:\n  script: x\n  extends: a\n' })).toEqual(['.gitlab-ci.yml:3:3: a: circular dependency detected in `extends`']);
  });

  it('reports unknown and invalid bases of every job, at its extends key', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml': '.str: text\nj1:\n  script: x\n  extends: [.nope, .gone]\nj2:\n  extends: .str\n',
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:4:3: j1: unknown keys in `extends` (.nope, .gone)',
      '.gitlab-ci.yml:6:3: j2: invalid base hashes in `extends` (.str)',
    ]);
  });

  it('locates inherited keys where the parent writes them and own keys in the job', async () => {
    const result = await resolve({ '.gitlab-ci.yml': '.base:\n  image: alpine\n  variables: {A: "1"}\njob:\n  extends: .base\n  variables: {B: "2"}\n' });
    const job = result.root.job as Record<string, object>;
    expect(result.locations.locate(job, 'image')).toEqual({ file: '.gitlab-ci.yml', line: 2, column: 3 });
    expect(result.locations.locate(job, 'variables')).toEqual({ file: '.gitlab-ci.yml', line: 6, column: 3 });
    expect(result.locations.locate(job.variables as object, 'A')).toEqual({ file: '.gitlab-ci.yml', line: 3, column: 15 });
    expect(result.locations.locate(job)).toEqual({ file: '.gitlab-ci.yml', line: 5, column: 3 });
  });
});
