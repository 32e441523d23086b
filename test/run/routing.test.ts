// `glci run` with a runner config.toml (runner-behavior.md §9): jobs go to the first [[runners]] entry
// having all their tags, a job no runner takes is stuck (GitLab's wording, exit 1), --ignore-tags
// lets the first runner take it, a runner's `limit` serialises its jobs, runner `environment` and
// pre/post_build_script reach the job, and a Docker engine that does not answer is said clearly.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckout, isolatedEnv } from '../acceptance/fixture-checkout.js';
import { type GlciRun, describeRun, jobLines, jobResult, parseEvents, startedJobs } from './run-support.js';

const cliEntry = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

const PIPELINE = `
stages: [test]
on-a:
  tags: [a]
  script:
    - echo "runner=$CI_RUNNER_DESCRIPTION from-runner=$FROM_RUNNER tags=$CI_RUNNER_TAGS"
on-b:
  tags: [b]
  script:
    - echo "runner=$CI_RUNNER_DESCRIPTION"
untagged:
  script:
    - echo "runner=$CI_RUNNER_DESCRIPTION"
nobody:
  tags: [gpu, a]
  script:
    - echo "nobody ran on $CI_RUNNER_DESCRIPTION"
serial-1:
  tags: [serial]
  script: &times
    - echo "start $(date +%s%N)" >> "$EVIDENCE_DIR/$CI_JOB_NAME"
    - sleep 0.4
    - echo "end $(date +%s%N)" >> "$EVIDENCE_DIR/$CI_JOB_NAME"
serial-2:
  tags: [serial]
  script: *times
with-image:
  tags: [dock]
  image: alpine:3
  script:
    - echo "on the host anyway"
`;

const CONFIG = `
concurrent = 4
[[runners]]
  name = "shell-a"
  executor = "shell"
  tags = ["a"]
  environment = ["FROM_RUNNER=runner-a"]
  pre_build_script = "echo pre-build-of-a"
  post_build_script = "echo post-build-of-a"
  colour = "blue"
[[runners]]
  name = "shell-b"
  executor = "shell"
  tags = ["b"]
  run_untagged = true
[[runners]]
  name = "one-at-a-time"
  executor = "shell"
  tags = ["serial"]
  limit = 1
[[runners]]
  name = "docker-x"
  executor = "docker"
  tags = ["dock"]
  [runners.docker]
    host = "unix:///nonexistent/glci-test/docker.sock"
`;

interface Project {
  dir: string;
  scratch: string;
  config: string;
  remove(): void;
}

async function createProject(): Promise<Project> {
  const fixture = mkdtempSync(join(tmpdir(), 'glci-routing-fixture-'));
  writeFileSync(join(fixture, '.gitlab-ci.yml'), PIPELINE);
  const checkout = await createCheckout(fixture, {});
  rmSync(fixture, { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), 'glci-routing-'));
  const config = join(scratch, 'config.toml');
  writeFileSync(config, CONFIG);
  return {
    dir: checkout.dir,
    scratch,
    config,
    remove: () => {
      checkout.remove();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** `glci run ARGS` with the config.toml, HOME and XDG_CONFIG_HOME in the scratch folder, and `env` on top. */
async function run(project: Project, args: string[], env: Record<string, string> = {}): Promise<GlciRun> {
  const argv = [cliEntry, 'run', ...args, '--cwd', project.dir, '--state-dir', join(project.scratch, 'state'), '--variable', `EVIDENCE_DIR=${project.scratch}`];
  const result = await execa(process.execPath, argv, {
    cwd: project.dir,
    env: { ...isolatedEnv(), HOME: project.scratch, XDG_CONFIG_HOME: join(project.scratch, 'xdg'), ...env },
    extendEnv: false,
    reject: false,
    timeout: 25_000,
  });
  const out: GlciRun = { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr), events: [], exitedAt: Date.now() };
  if (args.includes('--json') && out.stdout.startsWith('{"type"')) out.events = parseEvents(out.stdout, out);
  return out;
}

describe('glci run with a runner config.toml', () => {
  let project: Project;
  let pipeline: GlciRun;
  beforeAll(async () => {
    project = await createProject();
    pipeline = await run(project, ['--json', '--config', project.config]);
  });
  afterAll(() => project.remove());

  it('runs a job on the first runner having all its tags, and says so in the job log header', () => {
    const lines = jobLines(pipeline.events, 'on-b');
    expect(lines[0], describeRun(pipeline)).toMatch(/^Running with glci \d+\.\d+\.\d+/);
    expect(lines[1]).toBe('  on shell-b');
    expect(lines).toContain('runner=shell-b');
    expect(jobLines(pipeline.events, 'untagged')).toContain('runner=shell-b');
    expect(jobLines(pipeline.events, 'on-a')[1]).toBe('  on shell-a');
  });

  it('gives the job its runner\'s environment and runs pre_build_script and post_build_script around the script', () => {
    const lines = jobLines(pipeline.events, 'on-a');
    expect(lines).toContain('runner=shell-a from-runner=runner-a tags=["a"]');
    const pre = lines.indexOf('pre-build-of-a');
    const script = lines.indexOf('runner=shell-a from-runner=runner-a tags=["a"]');
    const post = lines.indexOf('post-build-of-a');
    expect(pre).toBeGreaterThan(-1);
    expect(script).toBeGreaterThan(pre);
    expect(post).toBeGreaterThan(script);
    expect(jobLines(pipeline.events, 'on-b')).not.toContain('pre-build-of-a');
  });

  it('fails a job no runner takes as stuck, with its tags and every runner\'s tags, never starting it: exit 1', () => {
    expect(pipeline.exitCode, describeRun(pipeline)).toBe(1);
    const result = jobResult(pipeline.events, 'nobody');
    expect(result).toMatchObject({ status: 'failed', failureReason: 'stuck_or_timeout_failure', exitCode: null, attempts: 0 });
    expect(result.skipReason).toContain("This job is stuck because you don't have any active runners online or available with any of these tags assigned to them: gpu, a.");
    expect(result.skipReason).toContain('shell-a [a], shell-b [b; also untagged], one-at-a-time [serial], docker-x [dock]');
    expect(result.skipReason).toContain('--ignore-tags');
    expect(startedJobs(pipeline.events)).not.toContain('nobody');
  });

  it('never runs two jobs of a runner with limit = 1 at once (timestamps written by the jobs)', () => {
    const times = (job: string) => {
      const text = readFileSync(join(project.scratch, job), 'utf8');
      const value = (word: string) => BigInt(/^(\w+) (\d+)$/m.exec(text.split('\n').find((l) => l.startsWith(word)) ?? '')?.[2] ?? '0');
      return { start: value('start'), end: value('end') };
    };
    const [one, two] = [times('serial-1'), times('serial-2')];
    expect(one.start > 0n && two.start > 0n).toBe(true);
    expect(one.end <= two.start || two.end <= one.start).toBe(true);
  });

  it('tells which executor runs how many jobs and why, and prints config.toml warnings with their line', () => {
    const lines = pipeline.stderr.split('\n');
    expect(lines).toContain('Using the shell executor for 1 job(s) (runner "shell-a" uses the shell executor)');
    expect(lines).toContain('Using the shell executor for 2 job(s) (runner "shell-b" uses the shell executor)');
    expect(lines).toContain('Using the shell executor for 2 job(s) (runner "one-at-a-time" uses the shell executor)');
    expect(lines).toContain(`${project.config}:10: warning: unknown setting runners[0].colour, ignored`);
  });

  it('runs a job with an image on the shell executor when its docker runner\'s engine does not answer, saying why', () => {
    expect(pipeline.stderr).toMatch(
      /Using the shell executor for 1 job\(s\) \(runner "docker-x": the Docker engine at unix:\/\/\/nonexistent\/glci-test\/docker\.sock does not answer \(.+\); the jobs name an image, which the shell executor ignores as GitLab Runner does\)/,
    );
    expect(jobLines(pipeline.events, 'with-image')).toContain('on the host anyway');
    expect(jobResult(pipeline.events, 'with-image').status).toBe('success');
  });

  it('shows the stuck job and its reason in plain output too', async () => {
    const plain = await run(project, ['--config', project.config, 'nobody']);
    expect(plain.exitCode, describeRun(plain)).toBe(1);
    expect(plain.stdout).toContain("nobody | failed: This job is stuck because you don't have any active runners online or available with any of these tags assigned to them: gpu, a.");
  });

  it('--ignore-tags lets the first runner take the job', async () => {
    const ignored = await run(project, ['--json', '--config', project.config, '--ignore-tags', 'nobody']);
    expect(ignored.exitCode, describeRun(ignored)).toBe(0);
    expect(jobLines(ignored.events, 'nobody')).toContain('nobody ran on shell-a');
  });

  it('without a config file the built-in runner takes every job, tagged or not', async () => {
    const builtIn = await run(project, ['--json', 'nobody', 'on-b']);
    expect(builtIn.exitCode, describeRun(builtIn)).toBe(0);
    expect(jobLines(builtIn.events, 'nobody')).toContain('  on glci-local');
    expect(builtIn.stderr).toContain('Using the shell executor for 2 job(s)');
  });

  it('--executor docker with no engine answering is an executor error: exit 3, the engine named, no stack trace', async () => {
    const docker = await run(project, ['--config', project.config, '--executor', 'docker', 'on-b'], { DOCKER_HOST: 'unix:///nonexistent/glci-test/other.sock' });
    expect(docker.exitCode, describeRun(docker)).toBe(3);
    expect(docker.stderr).toContain('--executor docker: the Docker engine at unix:///nonexistent/glci-test/other.sock does not answer');
    expect(docker.stderr).not.toMatch(/^\s+at /m);
    expect(docker.stdout).not.toContain('Running with glci');
  });

  it('a config file named by --config that does not exist is a usage error: exit 2', async () => {
    const missing = await run(project, ['--config', join(project.scratch, 'no-such.toml'), 'on-b']);
    expect(missing.exitCode, describeRun(missing)).toBe(2);
    expect(missing.stderr).toContain('no-such.toml');
  });
});
