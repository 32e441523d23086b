// What a fixture's pipeline reads besides its own checkout (test/fixtures/README.md, "context.json"):
// other projects as git repositories, a template directory, component directories and the home
// directory's variables file. Each is materialised in the fixture's temporary root and handed to
// glci through the environment, as a user would configure it.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FixtureContext, FixtureProject } from './fixture-context.js';
import { git } from './fixture-git.js';

/** Replaces the work tree of `repo` (all but `.git`) with the content of `source`. */
function replaceWorkTree(repo: string, source: string): void {
  for (const entry of readdirSync(repo)) {
    if (entry !== '.git') rmSync(join(repo, entry), { recursive: true, force: true });
  }
  cpSync(source, repo, { recursive: true });
}

/** A repository whose tags hold the tag folders' content and whose HEAD holds `dir`'s. */
async function createProjectRepository(fixtureDir: string, repo: string, project: FixtureProject): Promise<void> {
  mkdirSync(repo, { recursive: true });
  await git(repo, ['init', '-q', '-b', 'main']);
  for (const [tag, folder] of Object.entries(project.tags ?? {})) {
    replaceWorkTree(repo, join(fixtureDir, folder));
    await git(repo, ['add', '-A']);
    await git(repo, ['commit', '-q', '--allow-empty', '-m', `content of ${tag}`]);
    await git(repo, ['tag', tag]);
  }
  replaceWorkTree(repo, join(fixtureDir, project.dir));
  await git(repo, ['add', '-A']);
  await git(repo, ['commit', '-q', '--allow-empty', '-m', 'HEAD content']);
}

/** `key=dir` entries separated by commas, the format of GLCI_INCLUDE_PROJECT_DIRS and GLCI_COMPONENT_DIRS. */
function dirList(entries: Array<[string, string]>): string {
  return entries.map(([key, dir]) => `${key}=${dir}`).join(',');
}

async function prepareProjects(fixtureDir: string, root: string, context: FixtureContext): Promise<string | null> {
  const entries: Array<[string, string]> = [];
  for (const [index, [path, value]] of Object.entries(context.projects ?? {}).entries()) {
    const repo = join(root, 'projects', String(index));
    await createProjectRepository(fixtureDir, repo, typeof value === 'string' ? { dir: value } : value);
    entries.push([path, repo]);
  }
  return entries.length > 0 ? dirList(entries) : null;
}

function prepareComponents(fixtureDir: string, root: string, context: FixtureContext): string | null {
  const entries = Object.entries(context.components ?? {}).map(([address, folder], index): [string, string] => {
    const dir = join(root, 'components', String(index));
    cpSync(join(fixtureDir, folder), dir, { recursive: true });
    return [address, dir];
  });
  return entries.length > 0 ? dirList(entries) : null;
}

function prepareHome(root: string, context: FixtureContext): string {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  if (context.homeVariables !== undefined) {
    mkdirSync(join(home, '.glci'));
    // JSON is valid YAML: the file holds `NAME: value` or `NAME: {value, masked, file}` entries.
    writeFileSync(join(home, '.glci', 'variables.yml'), `${JSON.stringify(context.homeVariables, null, 2)}\n`);
  }
  return home;
}

/**
 * Materialises the context's other sources under `root` and returns the environment variables
 * that point glci at them (HOME and XDG_CACHE_HOME are always fresh directories, so the user's own
 * `~/.glci/variables.yml` and include cache never leak in).
 */
export async function prepareSources(fixtureDir: string, root: string, context: FixtureContext): Promise<Record<string, string>> {
  // The include cache too lives in the fixture's root, never in the developer's XDG_CACHE_HOME.
  const env: Record<string, string> = { HOME: prepareHome(root, context), XDG_CACHE_HOME: join(root, 'cache') };
  const projects = await prepareProjects(fixtureDir, root, context);
  if (projects !== null) env.GLCI_INCLUDE_PROJECT_DIRS = projects;
  const components = prepareComponents(fixtureDir, root, context);
  if (components !== null) env.GLCI_COMPONENT_DIRS = components;
  if (context.templateDir !== undefined) {
    const templates = join(root, 'templates');
    cpSync(join(fixtureDir, context.templateDir), templates, { recursive: true });
    env.GLCI_TEMPLATE_DIRS = templates;
  }
  return env;
}
