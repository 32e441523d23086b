// A GitLab behind a private certificate authority, as self-managed instances often are: the double
// serves its API and the project's git over https with a certificate of a test CA. The runner trusts
// that CA through `tls-ca-file` (written by `glci runner register --tls-ca-file`) or through
// `certs/<host>.crt` beside config.toml, for the API, for git (scoped to GitLab's URL, nothing written
// into the checkout's config) and hands it to the job as CI_SERVER_TLS_CA_FILE; without it, it says
// what to set and takes no job. With mutual TLS GitLab also asks for the runner's certificate
// (`tls-cert-file`, `tls-key-file`). `clone_url` points git at another address than repo_url's.
import { execa } from 'execa';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type Coordinator, type CoordinatorOptions } from '../support/coordinator/coordinator.js';
import { gitHttpHandler, makeFixtureRepository } from '../support/coordinator/git-http.js';
import { makeTestCertificates, type TestCertificates } from '../support/tls-certs.js';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { startRunner, steps, variable } from './harness.js';
import { until } from './runner-process.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const repoDir = join(mkdtempSync(join(tmpdir(), 'glci-tls-repo-')), 'project');
const sha = makeFixtureRepository(repoDir, { 'README.md': 'fetched over https\n' });
let certs: TestCertificates;

const machineCa = process.env.GIT_SSL_CAINFO;
beforeAll(() => {
  certs = makeTestCertificates();
  // A machine-wide GIT_SSL_CAINFO (the system bundle), as some machines set: git lets it beat every
  // http.* setting, so the runner must still get GitLab's CA to git for GitLab's URL.
  process.env.GIT_SSL_CAINFO = '/etc/ssl/certs/ca-certificates.crt';
});
afterAll(() => {
  if (machineCa === undefined) delete process.env.GIT_SSL_CAINFO;
  else process.env.GIT_SSL_CAINFO = machineCa;
});

/** A coordinator that also serves `group/project.git` to the job tokens it handed out. */
async function gitlab(options: CoordinatorOptions): Promise<Coordinator> {
  const holder: { coordinator?: Coordinator } = {};
  const tokens = () => new Set([...(holder.coordinator?.jobs.values() ?? [])].map((job) => job.payload.token));
  holder.coordinator = await startCoordinator({
    longPollMs: 1_000,
    extraRoutes: gitHttpHandler({ projectPath: 'group/project', repoDir, validToken: (token) => tokens().has(token) }),
    ...options,
  });
  return holder.coordinator;
}

/** A job fetching the project from `repoBase`, reporting what it sees of the TLS files. */
function tlsJob(repoBase: string) {
  return {
    job_info: { project_full_path: 'group/project' },
    git_info: { repo_url: `${repoBase.replace('://', '://gitlab-ci-token:JOB_TOKEN@')}/group/project.git`, sha, ref: 'main', ref_type: 'branch', depth: 5, refspecs: ['+refs/heads/main:refs/remotes/origin/main'] },
    variables: [variable('CI_JOB_TOKEN', 'JOB_TOKEN', { masked: true })],
    steps: steps([
      'cat README.md',
      `cmp "$CI_SERVER_TLS_CA_FILE" "${certs.caFile}" && echo "job has the CA"`,
      'if [ -n "$CI_SERVER_TLS_CERT_FILE" ]; then head -1 "$CI_SERVER_TLS_CERT_FILE"; else echo "no client certificate"; fi',
      'git config --local --get-regexp "^http\\." || echo "no http settings in the checkout"',
    ]),
  };
}

describe('runner mode against a GitLab with a private CA', () => {
  let coordinator: Coordinator;

  beforeAll(async () => {
    coordinator = await gitlab({ tls: { cert: certs.read(certs.serverCertFile), key: certs.read(certs.serverKeyFile) } });
  });
  afterAll(async () => {
    await coordinator?.close();
  });

  it('glci runner register --tls-ca-file verifies over https and writes tls-ca-file; without it the certificate is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glci-tls-register-'));
    const config = join(dir, 'config.toml');
    const register = (...extra: string[]) =>
      execa(process.execPath, [bin, 'runner', 'register', '--non-interactive', '--config', config, '--url', coordinator.url, '--token', coordinator.createRunner(), '--executor', 'shell', ...extra], {
        env: { ...isolatedEnv(), HOME: dir },
        extendEnv: false,
        reject: false,
      });
    const refused = await register();
    expect(refused.exitCode, refused.stderr).not.toBe(0);
    expect(refused.stderr).toMatch(/certificate/i);
    expect(refused.stderr).toContain('--tls-ca-file');
    expect(refused.stderr).not.toMatch(/^\s+at /m);

    const done = await register('--tls-ca-file', certs.caFile);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stderr).toContain('Verifying runner... is valid');
    const text = await readFile(config, 'utf8');
    expect(text).toContain(`tls-ca-file = "${certs.caFile}"`);
    expect(text.indexOf('tls-ca-file')).toBeGreaterThan(text.indexOf('token_expires_at'));
    expect(text.indexOf('tls-ca-file')).toBeLessThan(text.indexOf('executor'));
  });

  it('with tls-ca-file, takes the job over https, fetches the sources with git over https and hands the CA to the job', async () => {
    const runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell', runnerToml: [`  "tls-ca-file" = "${certs.caFile}"`] });
    try {
      const record = await coordinator.waitForJobFinished(coordinator.enqueue(tlsJob(coordinator.url)), 60_000);
      const text = record.trace.toString();
      expect(record.state, text).toBe('success');
      expect(text).toContain('fetched over https');
      expect(text).toContain('job has the CA');
      expect(text).toContain('no client certificate');
      expect(text).toContain('no http settings in the checkout');
      expect(text).not.toContain(record.payload.token);
    } finally {
      await runner.stop();
    }
  });

  it('finds the CA as certs/<host>.crt beside config.toml', async () => {
    const runner = await startRunner({
      coordinator,
      token: coordinator.createRunner(),
      executor: 'shell',
      beforeStart: async (dir) => {
        await mkdir(join(dir, 'certs'));
        await copyFile(certs.caFile, join(dir, 'certs', '127.0.0.1.crt'));
      },
    });
    try {
      const record = await coordinator.waitForJobFinished(coordinator.enqueue(tlsJob(coordinator.url)), 60_000);
      expect(record.state, record.trace.toString()).toBe('success');
      expect(record.trace.toString()).toContain('job has the CA');
    } finally {
      await runner.stop();
    }
  });

  it('without the CA, logs that the certificate is not trusted and what to set, and takes no job', async () => {
    const token = coordinator.createRunner();
    const before = coordinator.requestsTo('request_job').filter((r) => r.json?.token === token).length;
    const runner = await startRunner({ coordinator, token, executor: 'shell' });
    try {
      await until(() => runner.log().includes('Checking for jobs... failed'), 'a failed request for jobs', 10_000);
      const log = runner.log();
      expect(log).toMatch(/Checking for jobs\.\.\. failed .*certificate/);
      expect(log).toContain('tls-ca-file');
      // The TLS handshake failed: no request ever reached GitLab's handler.
      expect(coordinator.requestsTo('request_job').filter((r) => r.json?.token === token).length).toBe(before);
    } finally {
      await runner.stop();
    }
  });
});

describe('runner mode against a GitLab asking for a client certificate', () => {
  let coordinator: Coordinator;

  beforeAll(async () => {
    coordinator = await gitlab({ tls: { cert: certs.read(certs.serverCertFile), key: certs.read(certs.serverKeyFile), clientCa: certs.read(certs.caFile) } });
  });
  afterAll(async () => {
    await coordinator?.close();
  });

  it('shows tls-cert-file to the API and to git, and hands it to the job', async () => {
    const runner = await startRunner({
      coordinator,
      token: coordinator.createRunner(),
      executor: 'shell',
      runnerToml: [`  "tls-ca-file" = "${certs.caFile}"`, `  "tls-cert-file" = "${certs.clientCertFile}"`, `  "tls-key-file" = "${certs.clientKeyFile}"`],
    });
    try {
      const record = await coordinator.waitForJobFinished(coordinator.enqueue(tlsJob(coordinator.url)), 60_000);
      const text = record.trace.toString();
      expect(record.state, text).toBe('success');
      expect(text).toContain('fetched over https');
      expect(text).toContain('-----BEGIN CERTIFICATE-----');
    } finally {
      await runner.stop();
    }
  });

  it('without tls-cert-file, logs GitLab\'s refusal of the handshake with what to set', async () => {
    const runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell', runnerToml: [`  "tls-ca-file" = "${certs.caFile}"`] });
    try {
      await until(() => runner.log().includes('Checking for jobs... failed'), 'a failed request for jobs', 10_000);
      expect(runner.log()).toMatch(/Checking for jobs\.\.\. failed .*certificate/i);
      expect(runner.log()).toContain('tls-cert-file and tls-key-file');
    } finally {
      await runner.stop();
    }
  });

  it('a runner whose tls-cert-file has no tls-key-file is not started, with the reason', async () => {
    const runner = await startRunner({
      coordinator,
      token: coordinator.createRunner(),
      executor: 'shell',
      runnerToml: [`  "tls-ca-file" = "${certs.caFile}"`, `  "tls-cert-file" = "${certs.clientCertFile}"`],
    });
    const code = await runner.stop();
    expect(code).toBe(0);
    expect(runner.log()).toContain('tls-cert-file and tls-key-file go together');
  });
});

describe('clone_url', () => {
  let coordinator: Coordinator;

  beforeAll(async () => {
    coordinator = await gitlab({});
  });
  afterAll(async () => {
    await coordinator?.close();
  });

  it('fetches from <clone_url>/<project path>.git with the job token instead of repo_url', async () => {
    const runner = await startRunner({ coordinator, token: coordinator.createRunner(), executor: 'shell', runnerToml: [`  clone_url = "${coordinator.url}"`] });
    try {
      const job = {
        job_info: { project_full_path: 'group/project' },
        git_info: { repo_url: 'http://gitlab-ci-token:JOB_TOKEN@gitlab.invalid/group/project.git', sha, ref: 'main', ref_type: 'branch', depth: 5, refspecs: ['+refs/heads/main:refs/remotes/origin/main'] },
        variables: [variable('CI_JOB_TOKEN', 'JOB_TOKEN', { masked: true })],
        steps: steps(['cat README.md', 'git remote get-url origin | sed "s/:[^:@]*@/:<hidden>@/"']),
      };
      const record = await coordinator.waitForJobFinished(coordinator.enqueue(job), 60_000);
      const text = record.trace.toString();
      expect(record.state, text).toBe('success');
      expect(text).toContain('fetched over https');
      expect(text).toContain(`${coordinator.url.replace('://', '://gitlab-ci-token:<hidden>@')}/group/project.git`);
      expect(text).not.toContain(record.payload.token);
    } finally {
      await runner.stop();
    }
  });
});
