import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveCacheKeys } from '../../src/artifacts/cache-keys.js';
import { restoreCaches, saveCaches } from '../../src/artifacts/cache.js';
import { ioLogger } from '../../src/artifacts/stage-log.js';
import type { CacheDefinition } from '../../src/model/config.js';
import type { JobVariable } from '../../src/model/plan.js';
import { readArchiveFiles } from '../../src/platform/archive.js';
import { OutputCollector, variable, type PreparedJob } from '../executors/contract-support.js';
import { storeWorkspace } from './store-support.js';

function cache(overrides: Partial<CacheDefinition> = {}): CacheDefinition {
  return { key: { kind: 'literal', value: 'default' }, paths: ['.cache'], untracked: false, unprotect: false, when: 'on_success', policy: 'pull-push', fallbackKeys: [], ...overrides };
}

const literal = (value: string) => ({ kind: 'literal' as const, value });

describe('cache', () => {
  const ws = storeWorkspace();
  afterEach(() => ws.cleanup());
  afterAll(() => ws.dispose());

  const archiveOf = (key: string) => join(ws.stateDir, 'cache', key, 'cache.tar');

  async function writer(name: string, content: string, vars: JobVariable[] = []): Promise<PreparedJob> {
    const p = await ws.job(name, { variables: [variable('CI_JOB_NAME', name), variable('CI_COMMIT_REF_NAME', 'main'), ...vars] });
    await p.run(['mkdir -p .cache', `printf '%s' '${content}' > .cache/data`]);
    return p;
  }

  async function restoredData(p: PreparedJob): Promise<string | undefined> {
    return (await readArchiveFiles(await p.env.copyOut(['.cache']), () => true)).get('.cache/data')?.toString();
  }

  async function save(p: PreparedJob, caches: CacheDefinition[], succeeded = true) {
    const log = new OutputCollector();
    const result = await saveCaches(p.env, caches, p.job.variables, ws.stateDir, succeeded, log);
    return { log: log.text, ...result };
  }

  async function restore(p: PreparedJob, caches: CacheDefinition[]) {
    const log = new OutputCollector();
    const result = await restoreCaches(p.env, caches, p.job.variables, ws.stateDir, log);
    return { log: log.text, ...result };
  }

  it('saves and restores with the runner’s messages, keeping a metadata.json', async () => {
    const saved = await save(await writer('w1', 'one'), [cache({ key: literal('plain-key') })]);
    expect(saved.log).toContain('Creating cache plain-key...');
    expect(saved.log).toContain('.cache: found 2 matching artifact files and directories');
    expect(saved.log).toContain('Created cache');
    expect(JSON.parse(readFileSync(join(ws.stateDir, 'cache', 'plain-key', 'metadata.json'), 'utf8'))).toEqual({ cachekey: 'plain-key' });
    const reader = await ws.job('r1');
    const restored = await restore(reader, [cache({ key: literal('plain-key') })]);
    expect(restored.log).toContain('Checking cache for plain-key...');
    expect(restored.log).toContain('Successfully extracted cache');
    expect(await restoredData(reader)).toBe('one');
  });

  it('expands the key with job variables and sanitises it', async () => {
    const p = await writer('w2', 'two', [variable('CI_COMMIT_REF_NAME', 'feature/x')]);
    const saved = await save(p, [cache({ key: literal('deps-$CI_COMMIT_REF_NAME') }), cache({ key: literal('../../escape'), paths: ['.cache/data'] })]);
    expect(existsSync(archiveOf('deps-feature/x'))).toBe(true);
    expect(existsSync(archiveOf('escape'))).toBe(true);
    expect(saved.warnings).toContain('cache key "../../escape" sanitized to "escape"');
  });

  it('uses <job name>/<ref> when the key is empty', async () => {
    await save(await writer('keyless', 'k'), [cache({ key: literal('') })]);
    expect(existsSync(archiveOf('keyless/main'))).toBe(true);
  });

  it('follows pull and push policies, also from a variable', async () => {
    const p = await writer('policies', 'p', [variable('POLICY', 'pull')]);
    const pullOnly = await save(p, [cache({ key: literal('policy-key'), policy: '$POLICY' })]);
    expect(pullOnly.log).toContain('Not uploading cache policy-key due to policy');
    expect(existsSync(archiveOf('policy-key'))).toBe(false);
    await save(p, [cache({ key: literal('policy-key'), policy: 'push' })]);
    expect(existsSync(archiveOf('policy-key'))).toBe(true);
    const reader = await ws.job('policy-reader');
    const pushOnly = await restore(reader, [cache({ key: literal('policy-key'), policy: 'push' })]);
    expect(pushOnly.log).toContain('Not downloading cache policy-key due to policy');
    expect(await restoredData(reader)).toBeUndefined();
    const unknown = await restore(reader, [cache({ key: literal('policy-key'), policy: 'sometimes' })]);
    expect(unknown.warnings).toEqual(['unknown cache policy sometimes for policy-key']);
  });

  it('saves only caches whose when matches the job result', async () => {
    const p = await writer('when', 'w');
    await save(p, [cache({ key: literal('on-success'), when: 'on_success' }), cache({ key: literal('on-failure'), when: 'on_failure' }), cache({ key: literal('always'), when: 'always' })], false);
    expect([existsSync(archiveOf('on-success')), existsSync(archiveOf('on-failure')), existsSync(archiveOf('always'))]).toEqual([false, true, true]);
  });

  it('falls back to fallback_keys, then CACHE_FALLBACK_KEY, never to a -protected one', async () => {
    await save(await writer('fb-writer', 'fallback'), [cache({ key: literal('fallback-main') })]);
    const reader = await ws.job('fb-reader', { variables: [variable('CACHE_FALLBACK_KEY', 'fallback-main'), variable('CI_COMMIT_REF_NAME', 'main')] });
    const restored = await restore(reader, [cache({ key: literal('branch-$CI_COMMIT_REF_NAME'), fallbackKeys: ['also-missing'] })]);
    expect(restored.log.indexOf('Checking cache for branch-main...')).toBeLessThan(restored.log.indexOf('Checking cache for also-missing...'));
    expect(restored.log.indexOf('Checking cache for also-missing...')).toBeLessThan(restored.log.indexOf('Checking cache for fallback-main...'));
    expect(await restoredData(reader)).toBe('fallback');

    const protectedReader = await ws.job('fb-protected', { variables: [variable('CACHE_FALLBACK_KEY', 'fallback-main-protected')] });
    const refused = await restore(protectedReader, [cache({ key: literal('nope') })]);
    expect(refused.warnings).toContain('CACHE_FALLBACK_KEY "fallback-main-protected" not allowed to end in "-protected"');
  });

  it('warns, never throws, when nothing is cached or the cache is missing', async () => {
    const p = await ws.job('nothing');
    const saved = await save(p, [cache({ key: literal('empty'), paths: ['no-such-dir'] })]);
    expect(saved.warnings).toContain('No files to cache.');
    expect(existsSync(archiveOf('empty'))).toBe(false);
    const restored = await restore(p, [cache({ key: literal('never-saved') })]);
    expect(restored.warnings).toEqual(['Cache file does not exist', 'Failed to extract cache']);
  });

  it('does not rewrite an archive no file is newer than', async () => {
    const p = await writer('up-to-date', 'old');
    await p.run(['touch -d "2020-01-01 00:00:00" .cache .cache/data']);
    await save(p, [cache({ key: literal('stable') })]);
    const second = await save(p, [cache({ key: literal('stable') })]);
    expect(second.log).toContain('Archive is up to date!');
    await p.run(["printf 'new' > .cache/data"]);
    const third = await save(p, [cache({ key: literal('stable') })]);
    expect(third.log).not.toContain('Archive is up to date!');
    const reader = await ws.job('up-to-date-reader');
    await restore(reader, [cache({ key: literal('stable') })]);
    expect(await restoredData(reader)).toBe('new');
  });

  it('writes through a job logger given instead of a JobIO', async () => {
    class Lines {
      readonly lines: string[] = [];
      print(message: string) {
        this.lines.push(`print ${message}`);
      }
      info(message: string) {
        this.lines.push(`info ${message}`);
      }
      warn(message: string) {
        this.lines.push(`warn ${message}`);
      }
      error(message: string) {
        this.lines.push(`error ${message}`);
      }
    }
    const logger = new Lines();
    const reader = await ws.job('logger');
    await restoreCaches(reader.env, [cache({ key: literal('absent') })], reader.job.variables, ws.stateDir, logger);
    expect(logger.lines).toEqual(['info Checking cache for absent...', 'warn Cache file does not exist', 'warn Failed to extract cache']);
  });

  it('caches untracked files when asked', async () => {
    const p = await writer('untracked-cache', 'u');
    await p.run(['echo built > build.out']);
    const log = new OutputCollector();
    await saveCaches(p.env, [cache({ key: literal('untracked'), paths: [], untracked: true })], p.job.variables, ws.stateDir, true, log, {
      trackedFiles: ['README.md', 'dir with space/ünï cødé.txt'],
    });
    const files = await readArchiveFiles(createReadStream(archiveOf('untracked')), () => true);
    expect([...files.keys()].sort()).toEqual(['.cache/data', 'build.out']);
  });

  it('computes key:files from git blob ids of the checkout, once per job', async () => {
    const p = await ws.job('files-key');
    await p.run(["printf 'lock v1\\n' > package-lock.json"]);
    const blob = execFileSync('git', ['hash-object', join(p.env.projectDir, 'package-lock.json')], { encoding: 'utf8' }).trim();
    const expectedDigest = createHash('sha1').update(blob).digest('hex');
    const definitions = [cache({ key: { kind: 'files', files: ['package-lock.json'] } })];
    const resolved = await resolveCacheKeys(p.env, definitions, ioLogger(new OutputCollector()));
    expect(resolved[0]?.key).toEqual(literal(`0_package-lock-${expectedDigest}`));
    const withPrefix = await resolveCacheKeys(p.env, [cache({ key: { kind: 'files', files: ['missing.lock'], prefix: 'npm' } })], ioLogger(new OutputCollector()));
    expect(withPrefix[0]?.key).toEqual(literal('npm-default'));

    await p.run(['mkdir -p .cache', 'echo x > .cache/data', "printf 'lock v2\\n' > package-lock.json"]);
    await save(p, resolved);
    expect(existsSync(archiveOf(`0_package-lock-${expectedDigest}`))).toBe(true);
  });
});
