// The real SourceReader against a stand-in GitLab on 127.0.0.1: which instance serves what, how
// component versions resolve (and what the template sees of them), the include cache's policy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRawConfig } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/errors.js';
import { createFileSourceReader, type CacheUse, type FileSourceReaderOptions } from '../../src/platform/source-reader.js';
import { startFakeGitLab, type FakeGitLab } from '../support/fake-gitlab.js';

let root: string;
let gitlab: FakeGitLab;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'glci-gitlab-sources-'));
  gitlab = await startFakeGitLab({
    token: 'secret',
    projects: {
      'group/lib': { refs: { HEAD: { 'ci/lib.yml': 'lib: 1\n' } } },
      'group/comp': {
        refs: {
          '1.4.0': { 'templates/build.yml': 'spec:\n  component: [name, version, sha, reference]\n---\n$[[ component.name ]]:\n  script: echo $[[ component.version ]] $[[ component.sha ]] $[[ component.reference ]]\n' },
          main: { 'templates/build.yml': 'spec:\n  component: [version, sha]\n---\nbuild-main:\n  script: echo "$[[ component.version ]]" "$[[ component.sha ]]"\n' },
        },
        releases: [{ tag: '1.4.0', sha: 'f'.repeat(40) }, { tag: '1.3.9', sha: 'e'.repeat(40) }],
      },
    },
    templates: { Bash: 'bash: 1\n' },
  });
});

afterAll(async () => {
  await gitlab.close();
  rmSync(root, { recursive: true, force: true });
});

async function resolve(yaml: string, options: Partial<FileSourceReaderOptions>) {
  const project = mkdtempSync(join(root, 'p-'));
  writeFileSync(join(project, '.gitlab-ci.yml'), yaml);
  const reader = createFileSourceReader({ projectDir: project, env: {}, ...options });
  return resolveRawConfig({ projectDir: project, reader, variables: {} });
}

async function failure(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

describe('the public instance (gitlab.com when GLCI_GITLAB_URL is unset)', () => {
  it('serves templates and components addressed on its host, never projects', async () => {
    const options = { publicGitlab: { url: gitlab.url } };
    const result = await resolve(`include:\n  - template: Bash.gitlab-ci.yml\n  - component: ${gitlab.host}/group/comp/build@1.4.0\n`, options);
    expect(Object.keys(result.root).sort()).toEqual(['bash', 'build']);
    const error = await failure(resolve('include: {project: group/lib, file: ci/lib.yml}\n', options));
    expect(error.diagnostics[0]?.message).toMatch(/^Project `group\/lib` not found or access denied!/);
    expect(error.hint).toContain('GLCI_INCLUDE_PROJECT_DIRS');
  });
});

describe('components through the API', () => {
  it('resolves 1 to the highest 1.x.y release and gives the template its name, version, SHA and reference', async () => {
    const result = await resolve(`include:\n  - component: ${gitlab.host}/group/comp/build@1\n`, { gitlabUrl: gitlab.url });
    expect(result.root.build).toEqual({ script: `echo 1.4.0 ${'f'.repeat(40)} 1` });
  });

  it('reads a branch as it is, without asking for releases', async () => {
    gitlab.requests.length = 0;
    const result = await resolve(`include:\n  - component: ${gitlab.host}/group/comp/build@main\n`, { gitlabUrl: gitlab.url });
    expect(Object.keys(result.root)).toEqual(['build-main']);
    expect(gitlab.requests.some((r) => r.path.includes('/releases'))).toBe(false);
  });

  it('names the mismatch when the address is on another instance than GLCI_GITLAB_URL', async () => {
    const error = await failure(resolve('include:\n  - component: gitlab.example.com/group/comp/build@1\n', { gitlabUrl: gitlab.url }));
    expect(error.diagnostics[0]?.message).toBe("Component 'gitlab.example.com/group/comp/build@1' - project does not exist or you don't have sufficient permissions");
    expect(error.hint).toContain(`the address names gitlab.example.com, but GLCI_GITLAB_URL is ${gitlab.url}`);
  });
});

describe('the include cache', () => {
  it('refreshes online, serves offline, and never replaces an answer of GitLab with a cached copy', async () => {
    const cacheDir = join(root, 'cache');
    const uses: CacheUse[] = [];
    const yaml = 'include: {project: group/lib, file: ci/lib.yml}\n';
    const base = { gitlabUrl: gitlab.url, cacheDir, onCacheUse: (use: CacheUse) => uses.push(use) };
    expect((await resolve(yaml, base)).root).toEqual({ lib: 1 });
    expect(uses).toEqual([]);
    gitlab.requests.length = 0;
    expect((await resolve(yaml, { ...base, offline: true })).root).toEqual({ lib: 1 });
    expect(gitlab.requests).toEqual([]);
    expect(uses).toEqual([expect.objectContaining({ what: 'include:project group/lib (ref HEAD) file ci/lib.yml', unreachable: null })]);
    // A wrong token is GitLab's 401, even with the file in the cache.
    const error = await failure(resolve(yaml, { ...base, gitlabToken: 'wrong' }));
    expect(error.diagnostics[0]?.message).toContain('answered 401 Unauthorized for project `group/lib`');
  });

  it('is best-effort: an unwritable cache directory never fails the pipeline', async () => {
    const file = join(root, 'not-a-directory');
    writeFileSync(file, '');
    const result = await resolve('include: {template: Bash.gitlab-ci.yml}\n', { gitlabUrl: gitlab.url, cacheDir: join(file, 'cache') });
    expect(result.root).toEqual({ bash: 1 });
  });
});
