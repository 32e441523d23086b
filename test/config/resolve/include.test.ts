// `include` (spec §4.1–4.6): forms, location types, variables, nesting, merge order, messages.
import { describe, expect, it } from 'vitest';
import { memoryReader, resolve, resolveErrors } from './memory-reader.js';
import { resolveRawConfig } from '../../../src/config/resolve.js';

const job = (name: string) => `${name}:\n  script: echo ${name}\n`;

describe('accepted forms and merge order (spec §4.1, §4.6)', () => {
  it('merges included files under the including file, later includes winning', async () => {
    const result = await resolve({
      '.gitlab-ci.yml': 'include: common.yml\nvariables: {USER: main}\ntest:\n  rules: [{if: $CI_PIPELINE_SOURCE == "merge_request_event", when: manual}]\n  artifacts: {reports: {junit: rspec.xml}}\n',
      'common.yml': 'variables: {USER: common, PASS: testing}\ntest:\n  rules: [{when: never}]\n  script: [rake spec]\n  artifacts: {reports: {dotenv: deploy.env}}\n',
    });
    expect(result.root).toEqual({
      variables: { USER: 'main', PASS: 'testing' },
      test: {
        rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: 'manual' }],
        script: ['rake spec'],
        artifacts: { reports: { dotenv: 'deploy.env', junit: 'rspec.xml' } },
      },
    });
    expect(result.files).toEqual(['.gitlab-ci.yml', 'common.yml']);
  });

  it('accepts a list of strings and mappings, strips the leading slash, and removes the include key', async () => {
    const result = await resolve({
      '.gitlab-ci.yml': 'include:\n  - /a.yml\n  - local: b.yml\n',
      'a.yml': 'x: {v: a, a: 1}\n',
      'b.yml': 'x: {v: b}\n',
    });
    expect(result.root).toEqual({ x: { v: 'b', a: 1 } });
  });

  it('replaces lists and lets an explicit null replace an included value', async () => {
    const result = await resolve({
      '.gitlab-ci.yml': 'include: a.yml\nj:\n  script: [mine]\n  cache: null\n',
      'a.yml': 'j:\n  script: [theirs, more]\n  cache: {paths: [x]}\n  image: alpine\n',
    });
    expect(result.root.j).toEqual({ script: ['mine'], cache: null, image: 'alpine' });
  });

  it('locates a merged job key at the last definition and keys by their own file', async () => {
    const result = await resolve({ '.gitlab-ci.yml': 'include: a.yml\nj:\n  script: x\n', 'a.yml': 'j:\n  image: alpine\n' });
    const j = result.root.j as object;
    expect(result.locations.locate(result.root, 'j')).toEqual({ file: '.gitlab-ci.yml', line: 2, column: 1 });
    expect(result.locations.locate(j, 'image')).toEqual({ file: 'a.yml', line: 2, column: 3 });
    expect(result.locations.locate(j, 'script')).toEqual({ file: '.gitlab-ci.yml', line: 3, column: 3 });
    expect(result.locations.locate(j)).toEqual({ file: '.gitlab-ci.yml', line: 3, column: 3 });
  });

  it('expands includes depth-first: a nested include is merged into its file before the parent', async () => {
    const result = await resolve({
      '.gitlab-ci.yml': 'include: [a.yml, c.yml]\n',
      'a.yml': 'include: b.yml\nv: {from: a}\n',
      'b.yml': 'v: {from: b, b: 1}\n',
      'c.yml': 'v: {c: 1}\n',
    });
    expect(result.root.v).toEqual({ from: 'a', b: 1, c: 1 });
    expect(result.files).toEqual(['.gitlab-ci.yml', 'a.yml', 'b.yml', 'c.yml']);
  });

  it('merges the same file again each time it is included (last inclusion wins)', async () => {
    const result = await resolve({
      '.gitlab-ci.yml': 'include: [a.yml, b.yml, a.yml]\n',
      'a.yml': 'v: a\n',
      'b.yml': 'v: b\n',
    });
    expect(result.root.v).toBe('a');
  });
});

describe('include errors (spec §4.1, §4.2, §8.3)', () => {
  it('reports every bad entry with the location of the entry', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml': 'include:\n  - missing.yml\n  - local: notes.txt\n  - local: [a]\n  - local: empty.yml\n  - {foo: bar, local: a.yml}\n',
      'empty.yml': '  \n',
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:2:5: Local file `missing.yml` does not exist!',
      '.gitlab-ci.yml:3:5: Included file `notes.txt` does not have YAML extension!',
      '.gitlab-ci.yml:4:5: Included file `["a"]` needs to be a string',
      '.gitlab-ci.yml:5:5: Local file `empty.yml` is empty!',
      '.gitlab-ci.yml:6:5: include config contains unknown keys: foo',
    ]);
  });

  it('words location-key problems as GitLab does', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml':
        'include:\n  - {inputs: {a: 1}}\n  - {local: a.yml, remote: "https://x/a.yml"}\n  - {project: g/p}\n  - {artifact: a.yml}\n  - {local: a.yml, integrity: "sha256-abc="}\n  - {remote: "https://x/a.yml", integrity: "md5-x"}\n',
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:2:5: `{"inputs":{"a":1}}` does not have a valid subkey for include. Valid subkeys are: `local`, `project`, `remote`, `template`, `artifact`, `component`',
      '.gitlab-ci.yml:3:5: Each include must use only one of: `local`, `project`, `remote`, `template`, `artifact`, `component`',
      '.gitlab-ci.yml:4:5: include config must specify the file where to fetch the config from',
      '.gitlab-ci.yml:5:5: include config must specify the job where to fetch the artifact from',
      '.gitlab-ci.yml:6:5: include config integrity can only be specified for remote includes',
      ".gitlab-ci.yml:7:5: include config integrity hash must start with 'sha256-'",
    ]);
  });

  it('refuses artifact includes outside child pipelines', async () => {
    expect(await resolveErrors({ '.gitlab-ci.yml': 'include:\n  artifact: gen.yml\n  job: build\n' })).toEqual([
      '.gitlab-ci.yml:2:3: Including configs from artifacts is only allowed when triggering child pipelines',
    ]);
  });

  it('prefixes load errors of included files with their location', async () => {
    const errors = await resolveErrors({
      '.gitlab-ci.yml': 'include: [list.yml, blank.yml, braces.yml]\n',
      'list.yml': '- a\n',
      'blank.yml': '# nothing\n',
      'braces.yml': '{}\n',
    });
    expect(errors).toEqual([
      'list.yml:1:1: `list.yml`: Invalid configuration format',
      '.gitlab-ci.yml:1:21: Included file `blank.yml` does not have valid YAML syntax!',
      '.gitlab-ci.yml:1:32: Included file `braces.yml` does not have valid YAML syntax!',
    ]);
  });

  it('reports a syntax error at its position in the included file', async () => {
    const errors = await resolveErrors({ '.gitlab-ci.yml': 'include: bad.yml\n', 'bad.yml': 'a:\n  b: [1\nc: 2\n' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bad\.yml:3:1: `bad\.yml`: /);
  });

  it('stops at 150 included files', async () => {
    const errors = await resolveErrors({ '.gitlab-ci.yml': 'include: loop.yml\n', 'loop.yml': 'include: loop.yml\n' });
    expect(errors).toEqual(['loop.yml:1:1: Maximum of 150 nested includes are allowed!']);
    const ok = await resolve({ '.gitlab-ci.yml': 'include: loop.yml\n', 'loop.yml': 'include: loop.yml\n' }, { maxIncludes: 3 }).catch((e: Error) => e.message);
    expect(ok).toBe('loop.yml:1:1: Maximum of 3 nested includes are allowed!');
  });

  it('allows exactly the limit', async () => {
    const files: Record<string, string> = { '.gitlab-ci.yml': 'include: [a.yml, a.yml, a.yml]\n', 'a.yml': 'a: 1\n' };
    await expect(resolve(files, { maxIncludes: 3 })).resolves.toBeDefined();
    await expect(resolve(files, { maxIncludes: 2 })).rejects.toThrow('Maximum of 2 nested includes are allowed!');
  });

  it('gives up after the 30 s budget', async () => {
    let clock = 0;
    const errors = await resolveErrors({ '.gitlab-ci.yml': 'include: [a.yml, a.yml]\n', 'a.yml': 'a: 1\n' }, { now: () => (clock += 20_000) });
    // The second entry (column 18) is the first one counted after the deadline.
    expect(errors).toEqual(['.gitlab-ci.yml:1:18: Resolving config took longer than expected']);
  });
});

describe('variables in include (spec §4.3)', () => {
  it('expands $VAR, ${VAR} and %VAR% in strings and mapping values; unknown ones become empty', async () => {
    const result = await resolve(
      {
        '.gitlab-ci.yml': 'include:\n  - ci/$KIND.yml\n  - local: "ci/${OTHER}-x.yml"\n  - "ci/%KIND%$UNKNOWN-z.yml"\n',
        'ci/unit.yml': 'a: 1\n',
        'ci/e2e-x.yml': 'b: 2\n',
        'ci/unit-z.yml': 'c: 3\n',
      },
      { variables: { KIND: 'unit', OTHER: 'e2e' } },
    );
    expect(result.root).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('turns a string that expands to a URL into a remote include', async () => {
    const result = await resolve(
      { files: { '.gitlab-ci.yml': 'include: $BASE/ci.yml\n' }, remote: { 'https://example.test/ci.yml': 'r: 1\n' } },
      { variables: { BASE: 'https://example.test' } },
    );
    expect(result.root).toEqual({ r: 1 });
  });
});

describe('local wildcards (spec §4.2)', () => {
  const tree = {
    '.gitlab-ci.yml': '',
    'configs/b.yml': 'b: 1\n',
    'configs/a.yml': 'a: 1\n',
    'configs/sub/c.yml': 'c: 1\n',
    'configs/sub/deep/d.yml': 'd: 1\n',
    'configs/notes.txt': 'x',
  };
  const run = (pattern: string) => resolve({ ...tree, '.gitlab-ci.yml': `include: '${pattern}'\nroot: 1\n` });

  it('`*` stays within one segment', async () => {
    const result = await run('configs/*.yml');
    expect(result.root).toEqual({ a: 1, b: 1, root: 1 });
    expect(result.files).toEqual(['.gitlab-ci.yml', 'configs/a.yml', 'configs/b.yml']);
  });

  it('`**` crosses segments', async () => {
    expect((await run('configs/**.yml')).root).toEqual({ a: 1, b: 1, c: 1, d: 1, root: 1 });
    expect((await run('/configs/**/*.yml')).root).toEqual({ c: 1, d: 1, root: 1 });
  });

  it('never includes the including file through its own wildcard', async () => {
    const result = await resolve({ '.gitlab-ci.yml': 'include: ci/*.yml\n', 'ci/a.yml': 'include: ci/*.yml\na: 1\n', 'ci/b.yml': 'b: 1\n' });
    expect(result.root).toEqual({ a: 1, b: 1 });
  });

  it('warns when nothing matches', async () => {
    const result = await run('nothing/*.yml');
    expect(result.root).toEqual({ root: 1 });
    expect(result.warnings.map((w) => w.message)).toEqual(['no file matches the wildcard include `nothing/*.yml`']);
  });
});

describe('project includes', () => {
  const projects = {
    'group/lib': { 'ci/a.yml': 'include: ci/b.yml\na: main\n', 'ci/b.yml': 'b: from-lib\n', 'empty.yml': '' },
    'group/lib@v1': { 'ci/a.yml': 'a: v1\n' },
  };

  it('reads each file of the list, at the ref, and resolves nested local includes in that project', async () => {
    const result = await resolve({
      files: { '.gitlab-ci.yml': 'include:\n  - project: Group/Lib\n    file: [ci/a.yml]\n  - {project: group/lib, ref: v1, file: /ci/a.yml}\n', 'ci/b.yml': 'b: from-self\n' },
      projects,
    });
    expect(result.root).toEqual({ a: 'v1', b: 'from-lib' });
  });

  it('words project errors as GitLab does (project name downcased)', async () => {
    const errors = await resolveErrors({
      files: {
        '.gitlab-ci.yml':
          'include:\n  - {project: Other/Proj, file: a.yml}\n  - {project: group/lib, ref: nope, file: a.yml}\n  - {project: group/lib, file: [missing.yml, empty.yml]}\n',
      },
      projects: { 'group/lib': projects['group/lib'] },
    });
    expect(errors).toEqual([
      '.gitlab-ci.yml:2:5: Project `other/proj` not found or access denied! Make sure any includes in the pipeline configuration are correctly defined.',
      '.gitlab-ci.yml:3:5: Project `group/lib` reference `nope` does not exist!',
      '.gitlab-ci.yml:4:5: Project `group/lib` file `missing.yml` does not exist!',
      '.gitlab-ci.yml:4:5: Project `group/lib` file `empty.yml` is empty!',
    ]);
  });
});

describe('remote includes', () => {
  it('runs nested includes without project and without variables', async () => {
    const errors = await resolveErrors(
      {
        files: { '.gitlab-ci.yml': 'include: https://x.test/r.yml\n' },
        remote: { 'https://x.test/r.yml': 'include: [local.yml, "$V.yml"]\n' },
      },
      { variables: { V: 'local' } },
    );
    expect(errors).toEqual([
      'https://x.test/r.yml:1:11: Local file `local.yml` does not have project!',
      'https://x.test/r.yml:1:22: Included file `.yml` does not have YAML extension!',
    ]);
  });

  it('words fetch failures as GitLab does, with a hint for offline use', async () => {
    const sources = {
      files: { '.gitlab-ci.yml': 'include:\n  - https://a.test/x.yml\n  - https://b.test/x.yml\n  - https://c.test/x.yml\n  - https://d.test/x.yml\n  - remote: ftp://e.test/x.yml\n  - https://f.test/x\n' },
      remote: {
        'https://b.test/x.yml': { status: 'timeout' as const },
        'https://c.test/x.yml': { status: 'http-status' as const, code: 404 },
        'https://d.test/x.yml': { status: 'http-error' as const },
      },
    };
    expect(await resolveErrors(sources)).toEqual([
      '.gitlab-ci.yml:2:5: Remote file `https://a.test/x.yml` could not be fetched because of a socket error!',
      '.gitlab-ci.yml:3:5: Remote file `https://b.test/x.yml` could not be fetched because of a timeout error!',
      '.gitlab-ci.yml:4:5: Remote file `https://c.test/x.yml` could not be fetched because of HTTP code `404` error!',
      '.gitlab-ci.yml:5:5: Remote file `https://d.test/x.yml` could not be fetched because of HTTP error!',
      '.gitlab-ci.yml:6:5: Remote file `ftp://e.test/x.yml` does not have a valid address!',
      '.gitlab-ci.yml:7:5: Local file `https://f.test/x` does not have YAML extension!'.replace('Local file', 'Included file'),
    ]);
    await expect(resolve(sources)).rejects.toMatchObject({ hint: expect.stringContaining('vendor the file') });
  });

  it('checks integrity', async () => {
    const content = 'r: 1\n';
    const good = 'sha256-' + (await import('node:crypto')).createHash('sha256').update(content).digest('base64');
    const base = { remote: { 'https://x.test/r.yml': content } };
    await expect(resolve({ ...base, files: { '.gitlab-ci.yml': `include:\n  remote: https://x.test/r.yml\n  integrity: ${good}\n` } })).resolves.toMatchObject({ root: { r: 1 } });
    expect(await resolveErrors({ ...base, files: { '.gitlab-ci.yml': 'include:\n  remote: https://x.test/r.yml\n  integrity: sha256-AAAA\n' } })).toEqual([
      '.gitlab-ci.yml:2:3: Remote file `https://x.test/r.yml` could not be fetched because of an integrity check failure!',
    ]);
  });
});

describe('templates', () => {
  it('reads from the template collection; remote-like context inside', async () => {
    const result = await resolve({ files: { '.gitlab-ci.yml': 'include:\n  template: Jobs/Build.gitlab-ci.yml\n' }, templates: { 'Jobs/Build.gitlab-ci.yml': job('build') } });
    expect(result.root).toEqual({ build: { script: 'echo build' } });
  });

  it('words template errors as GitLab does', async () => {
    expect(await resolveErrors({ files: { '.gitlab-ci.yml': 'include:\n  - template: Build.yml\n  - template: Nope.gitlab-ci.yml\n' } })).toEqual([
      '.gitlab-ci.yml:2:5: Template file `Build.yml` is not a valid location!',
      '.gitlab-ci.yml:3:5: Included file `Nope.gitlab-ci.yml` is empty or does not exist!',
    ]);
  });
});

describe('components (spec §4.8)', () => {
  const components = { 'gitlab.test/group/comps': { 'templates/lint.yml': job('lint'), 'templates/test/template.yml': job('test') } };

  it('reads templates/<name>.yml or templates/<name>/template.yml; the version is not used locally', async () => {
    const result = await resolve(
      { files: { '.gitlab-ci.yml': 'include:\n  - component: $CI_SERVER_FQDN/group/comps/lint@1.0\n  - component: gitlab.test/group/comps/test@~latest\n' }, components },
      { variables: { CI_SERVER_FQDN: 'gitlab.test' } },
    );
    expect(Object.keys(result.root)).toEqual(['lint', 'test']);
  });

  it('words component errors as GitLab does', async () => {
    const errors = await resolveErrors({
      files: {
        '.gitlab-ci.yml':
          'include:\n  - component: gitlab.test/group/comps/lint\n  - component: gitlab.test/other/comps/lint@1\n  - component: gitlab.test/group/comps/nope@1\n  - remote: https://x.test/r.yml\n',
      },
      components,
      remote: { 'https://x.test/r.yml': 'include:\n  component: gitlab.test/group/comps/lint@1\n' },
    });
    expect(errors).toEqual([
      ".gitlab-ci.yml:2:5: Component 'gitlab.test/group/comps/lint' - the component path is not supported",
      ".gitlab-ci.yml:3:5: Component 'gitlab.test/other/comps/lint@1' - project does not exist or you don't have sufficient permissions",
      ".gitlab-ci.yml:4:5: Component 'gitlab.test/group/comps/nope@1' - content not found",
      'https://x.test/r.yml:2:3: Unable to use components outside of a project context',
    ]);
  });
});

describe('the reader is asked only for what is needed', () => {
  it('does not read files excluded by rules', async () => {
    const calls: string[] = [];
    await resolveRawConfig({
      projectDir: '/p',
      reader: memoryReader({ files: { '.gitlab-ci.yml': 'include:\n  - local: a.yml\n    rules: [{when: never}]\n' } }, calls),
      variables: {},
    });
    expect(calls).toEqual(['read self::.gitlab-ci.yml']);
  });
});
