// Generates the benchmark pipelines: a small one (examples/hello) and a 1,000-job one that exercises
// extends chains, !reference, rules and parallel:matrix the way large real configs do.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAGES = 10;
const MATRIX_JOBS = 10; // each expands to 10 jobs
const PLAIN_JOBS = 1000 - MATRIX_JOBS * 10;

export function largeConfig() {
  const out = [];
  out.push(`stages: [${Array.from({ length: STAGES }, (_, i) => `s${i}`).join(', ')}]`);
  out.push('variables:\n  GLOBAL: "g"\n  DEPTH: "3"');
  out.push('.scripts:\n  setup: [echo setup, export A=1]\n  teardown: [echo teardown]');
  out.push('.base:\n  image: alpine:3.20\n  variables: {LEVEL: base, KEEP: base}\n  before_script: [echo before]\n  tags: [docker]');
  out.push('.lvl1:\n  extends: .base\n  variables: {LEVEL: one}\n  retry: 1');
  out.push('.lvl2:\n  extends: .lvl1\n  variables: {LEVEL: two}\n  interruptible: true');
  out.push('.lvl3:\n  extends: [.lvl2]\n  variables: {LEVEL: three}\n  after_script:\n    - !reference [.scripts, teardown]');
  for (let i = 0; i < PLAIN_JOBS; i++) {
    const stage = i % STAGES;
    const lines = [`job-${i}:`, '  extends: .lvl3', `  stage: s${stage}`, '  script:', '    - !reference [.scripts, setup]', `    - echo job ${i}`];
    lines.push('  rules:', '    - if: $CI_PIPELINE_SOURCE == "schedule"', '      when: never', '    - when: on_success');
    if (stage > 0 && i % 3 === 0) lines.push(`  needs: [job-${i - 1}]`);
    out.push(lines.join('\n'));
  }
  for (let m = 0; m < MATRIX_JOBS; m++) {
    out.push([
      `matrix-${m}:`, '  extends: .lvl3', `  stage: s${m % STAGES}`, '  script: [echo $PROVIDER $REGION]',
      '  parallel:', '    matrix:', '      - PROVIDER: [aws, gcp]', '        REGION: [eu, us, ap, sa, af]',
    ].join('\n'));
  }
  return `${out.join('\n\n')}\n`;
}

/** Makes `dir` a one-commit git repository: both tools read the commit for CI_COMMIT_* variables. */
export function gitInit(dir) {
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'bench');
}

/** A new git project in the temporary directory holding `yaml` as its .gitlab-ci.yml. */
export function makeProject(prefix, yaml) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, '.gitlab-ci.yml'), yaml);
  gitInit(dir);
  return dir;
}

export function makeProjects() {
  const small = mkdtempSync(join(tmpdir(), 'glci-bench-small-'));
  copyFileSync(fileURLToPath(new URL('../examples/hello/.gitlab-ci.yml', import.meta.url)), join(small, '.gitlab-ci.yml'));
  gitInit(small);
  const large = makeProject('glci-bench-large-', largeConfig());
  return { small, large };
}
