// What the watcher never descends into nor reports: git's ignored entries (a folder as `dir/`),
// every `.git` folder, the state directory (inside or outside the project) and paths outside the project.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIgnoreRules } from '../../src/watch/ignore-rules.js';

const project = '/srv/example/project';
const rules = createIgnoreRules({
  projectDir: project,
  ignoredEntries: ['node_modules/', 'build/out/', 'debug.log'],
  excludeDirs: [join(project, '.glci'), '/elsewhere/state'],
});
const at = (rel: string) => join(project, rel);

describe('watch ignore rules', () => {
  it('ignores what git listed, whole folders included', () => {
    expect(rules.ignores(at('node_modules'))).toBe(true);
    expect(rules.ignores(at('node_modules/pkg/index.js'))).toBe(true);
    expect(rules.ignores(at('build/out/app.js'))).toBe(true);
    expect(rules.ignores(at('debug.log'))).toBe(true);
  });

  it('keeps neighbours of ignored entries and the project itself', () => {
    expect(rules.ignores(project)).toBe(false);
    expect(rules.ignores(at('build'))).toBe(false);
    expect(rules.ignores(at('build/main.c'))).toBe(false);
    expect(rules.ignores(at('node_modules_notes.md'))).toBe(false);
    expect(rules.ignores(at('src/debug.log'))).toBe(false);
  });

  it('ignores .git folders, the state directory and anything outside the project', () => {
    expect(rules.ignores(at('.git'))).toBe(true);
    expect(rules.ignores(at('.git/index'))).toBe(true);
    expect(rules.ignores(at('vendor/lib/.git/HEAD'))).toBe(true);
    expect(rules.ignores(at('.gitignore'))).toBe(false);
    expect(rules.ignores(at('.glci/builds/1/job/file'))).toBe(true);
    expect(rules.ignores('/elsewhere/state/x')).toBe(true);
    expect(rules.ignores('/srv/example/project-other/a')).toBe(true);
  });

  it('gives project-relative paths with / separators', () => {
    expect(rules.relativePath(at('src/a.ts'))).toBe('src/a.ts');
    expect(rules.relativePath(project)).toBe('');
    expect(rules.relativePath('/srv/example/other')).toBeNull();
  });
});
