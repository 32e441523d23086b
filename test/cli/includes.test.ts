// Includes from a GitLab instance through the built CLI (`glci list`), against a stand-in GitLab on
// 127.0.0.1: project files, templates (top-level through the templates API, in folders through
// gitlab-org/gitlab's files), components resolved with the releases API, remote files; then the
// include cache: --offline, a file missing offline, no network; a wrong token; glab's login.
// HOME, XDG_CACHE_HOME and XDG_CONFIG_HOME point at temporary folders.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../acceptance/fixture-git.js';
import { startFakeGitLab, type FakeGitLab } from '../support/fake-gitlab.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const TOKEN = 'glpat-valid-0123456789';
const WRONG = 'glpat-wrong-9876543210';

let root: string;
let project: string;
let cache: string;
let gitlab: FakeGitLab;

const job = (name: string): string => `${name}:\n  script: echo ${name}\n`;

function pipeline(host: string, extra = ''): string {
  return [
    'include:',
    '  - project: group/lib',
    '    ref: v1.2',
    '    file: ci/build.yml',
    '  - template: Bash.gitlab-ci.yml',
    '  - template: Jobs/SAST.gitlab-ci.yml',
    `  - component: ${host}/group/components/lint@~latest`,
    `  - component: ${host}/group/components/test@1.2`,
    `  - remote: http://${host}/remote/ci.yml`,
    extra,
    job('main'),
  ].join('\n');
}

async function glci(args: string[], env: Record<string, string> = {}) {
  const result = await execa(process.execPath, [bin, 'list', '--json', '--cwd', project, ...args], {
    env: {
      ...isolatedEnv(),
      HOME: join(root, 'home'),
      XDG_CACHE_HOME: cache,
      XDG_CONFIG_HOME: join(root, 'config'),
      GLCI_GITLAB_URL: gitlab.url,
      ...env,
    },
    extendEnv: false,
    reject: false,
    timeout: 30_000,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function jobNames(stdout: string): string[] {
  return (JSON.parse(stdout) as Array<{ name: string }>).map((j) => j.name).sort();
}

function cacheFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile());
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glci-includes-'));
  project = join(root, 'project');
  cache = join(root, 'cache');
  mkdirSync(project);
  mkdirSync(join(root, 'home'));
  gitlab = await startFakeGitLab({
    token: TOKEN,
    projects: {
      'group/lib': {
        private: true,
        refs: { 'v1.2': { 'ci/build.yml': job('lib-build'), 'ci/deploy.yml': job('lib-deploy') }, HEAD: { 'ci/build.yml': job('lib-head') } },
      },
      'group/components': {
        refs: {
          '2.0.0': { 'templates/lint.yml': job('lint-2.0.0') },
          '1.2.5': { 'templates/test/template.yml': job('test-1.2.5') },
          '1.2.3': { 'templates/test/template.yml': job('test-1.2.3') },
        },
        releases: [
          { tag: '2.1.0-rc.1', sha: 'c'.repeat(40) },
          { tag: '1.2.3', sha: 'a'.repeat(40) },
          { tag: '2.0.0', sha: 'd'.repeat(40) },
          { tag: '1.2.5', sha: 'b'.repeat(40) },
          { tag: '1.3.0-beta', sha: 'e'.repeat(40) },
        ],
      },
      'gitlab-org/gitlab': { refs: { master: { 'lib/gitlab/ci/templates/Jobs/SAST.gitlab-ci.yml': job('sast') } } },
    },
    templates: { Bash: job('bash') },
    files: { '/remote/ci.yml': job('remote') },
  });
  writeFileSync(join(project, '.gitlab-ci.yml'), pipeline(gitlab.host));
  writeFileSync(join(project, 'more.yml'), pipeline(gitlab.host, '  - {project: group/lib, ref: v1.2, file: ci/deploy.yml}'));
});

afterAll(async () => {
  await gitlab.close();
  rmSync(root, { recursive: true, force: true });
});

const ALL_JOBS = ['bash', 'lib-build', 'lint-2.0.0', 'main', 'remote', 'sast', 'test-1.2.5'];

describe('includes from a GitLab instance, and the include cache', () => {
  it('reads every include online, sends the token to the API only, and caches what it fetched', async () => {
    const run = await glci([], { GLCI_GITLAB_TOKEN: TOKEN });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(jobNames(run.stdout)).toEqual(ALL_JOBS);
    const paths = gitlab.requests.map((r) => r.path);
    expect(paths).toContain('/api/v4/projects/group%2Flib/repository/files/ci%2Fbuild.yml/raw?ref=v1.2');
    expect(paths).toContain('/api/v4/templates/gitlab_ci_ymls/Bash');
    // A template in a folder cannot go through the templates API: GitLab's source tree instead.
    expect(paths).toContain('/api/v4/projects/gitlab-org%2Fgitlab/repository/files/lib%2Fgitlab%2Fci%2Ftemplates%2FJobs%2FSAST.gitlab-ci.yml/raw?ref=master');
    // ~latest: the highest release, pre-releases skipped; 1.2: the highest 1.2.y; folder form templates/<name>/template.yml.
    expect(paths).toContain('/api/v4/projects/group%2Fcomponents/repository/files/templates%2Flint.yml/raw?ref=2.0.0');
    expect(paths).toContain('/api/v4/projects/group%2Fcomponents/repository/files/templates%2Ftest%2Ftemplate.yml/raw?ref=1.2.5');
    for (const request of gitlab.requests) expect(request.token, request.path).toBe(request.path.startsWith('/api/') ? TOKEN : undefined);
    expect(run.stderr).not.toContain('using cached');
    const entries = cacheFiles(join(cache, 'glci', 'includes'));
    expect(entries.length).toBeGreaterThanOrEqual(6);
    for (const file of entries) expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
  });

  it('--offline uses only the cache and says how old each file is', async () => {
    // Age the cache by three days.
    for (const file of cacheFiles(join(cache, 'glci', 'includes'))) {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { fetchedAt: string };
      entry.fetchedAt = new Date(Date.now() - 3 * 24 * 3600 * 1000 - 60_000).toISOString();
      writeFileSync(file, JSON.stringify(entry));
    }
    gitlab.requests.length = 0;
    const run = await glci(['--offline']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(jobNames(run.stdout)).toEqual(ALL_JOBS);
    expect(gitlab.requests).toEqual([]);
    expect(run.stderr).toContain('note: using cached include:template Jobs/SAST.gitlab-ci.yml (fetched 3 days ago)');
    expect(run.stderr).toContain('note: using cached include:project group/lib (ref v1.2) file ci/build.yml (fetched 3 days ago)');
    expect(run.stderr).toContain(`note: using cached include:component ${gitlab.host}/group/components@~latest file templates/lint.yml (fetched 3 days ago)`);
    expect(run.stderr).toContain(`note: using cached include:remote http://${gitlab.host}/remote/ci.yml (fetched 3 days ago)`);
    // GLCI_OFFLINE=1 is the same.
    const byEnv = await glci([], { GLCI_OFFLINE: '1' });
    expect(byEnv.exitCode, byEnv.stderr).toBe(0);
    expect(gitlab.requests).toEqual([]);
  });

  it('offline, a file that was never fetched is one clear error with exit status 2', async () => {
    const run = await glci(['--offline', '--file', 'more.yml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('include:project group/lib (ref v1.2) file ci/deploy.yml is not in the cache; run once online, or map it with GLCI_INCLUDE_PROJECT_DIRS');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('a wrong token names the project and the instance, says what to check, and never shows the token', async () => {
    const run = await glci([], { GLCI_GITLAB_TOKEN: WRONG, GLCI_DEBUG: '1' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`Project \`group/lib\` file \`ci/build.yml\` could not be read: ${gitlab.url} answered 401 Unauthorized for project \`group/lib\``);
    expect(run.stderr).toContain('the token from GLCI_GITLAB_TOKEN was rejected: check that it is valid, not expired or revoked, and has the read_api scope');
    expect(run.stdout + run.stderr).not.toContain(WRONG);
    const json = await glci([], { GLCI_GITLAB_TOKEN: WRONG });
    expect(json.stdout).toContain('401 Unauthorized');
    expect(json.stdout + json.stderr).not.toContain(WRONG);
  });

  it('without a token, a private project is GitLab\'s "not found or access denied" with how to log in', async () => {
    const run = await glci([]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Project `group/lib` not found or access denied!');
    expect(run.stderr).toContain(`${gitlab.url} has no public project \`group/lib\`; for a private one, set GLCI_GITLAB_TOKEN to a token with the read_api scope, or log in with \`glab auth login --hostname ${gitlab.host}\``);
  });

  it("uses glab's login for the instance's host", async () => {
    const glabDir = join(root, 'glab');
    mkdirSync(glabDir, { recursive: true });
    writeFileSync(join(glabDir, 'config.yml'), `git_protocol: ssh\nhosts:\n  gitlab.com:\n    token: ${WRONG}\n  ${gitlab.host}:\n    token: ${TOKEN}\n    api_protocol: http\n`);
    gitlab.requests.length = 0;
    const run = await glci([], { GLAB_CONFIG_DIR: glabDir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(jobNames(run.stdout)).toEqual(ALL_JOBS);
    expect(gitlab.requests.filter((r) => r.path.startsWith('/api/')).every((r) => r.token === TOKEN)).toBe(true);
    // The default place, ~/.config/glab-cli/config.yml.
    mkdirSync(join(root, 'home', '.config', 'glab-cli'), { recursive: true });
    writeFileSync(join(root, 'home', '.config', 'glab-cli', 'config.yml'), `hosts:\n  ${gitlab.host}:\n    token: ${TOKEN}\n`);
    const fromHome = await glci([]);
    expect(fromHome.exitCode, fromHome.stderr).toBe(0);
  });

  it('without network, falls back to the cache with the age of each file', async () => {
    await gitlab.close();
    const run = await glci([], { GLCI_GITLAB_TOKEN: TOKEN });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(jobNames(run.stdout)).toEqual(ALL_JOBS);
    expect(run.stderr).toMatch(new RegExp(`note: ${gitlab.host.replace(/\./g, '\\.')} could not be reached \\(ECONNREFUSED\\); using cached include:project group/lib \\(ref v1\\.2\\) file ci/build\\.yml \\(fetched (just now|\\d+ minutes? ago)\\)`));
    // Without network and without a cached copy: the failure, and what is missing.
    const missing = await glci(['--file', 'more.yml'], { GLCI_GITLAB_TOKEN: TOKEN });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(`Project \`group/lib\` file \`ci/deploy.yml\` could not be read: ${gitlab.host} could not be reached (ECONNREFUSED)`);
    expect(missing.stderr).toContain('include:project group/lib (ref v1.2) file ci/deploy.yml is not in the cache either; run once with network access, or map it with GLCI_INCLUDE_PROJECT_DIRS');
  });
});
