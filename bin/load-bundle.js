// Loads dist/glci.cjs, about 2 MB of JavaScript, without compiling it on every start: the bundle is
// compiled with vm.Script and V8's code cache. The cache is written after the first successful run of
// each command (so it holds the code that command ran) as
// `<NODE_COMPILE_CACHE or $TMPDIR/node-compile-cache>/glci-<uid>/<build id>-<node>-<arch>-<command>.cache`;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's own cache. V8 checks its version and
// flags and rejects a cache that does not fit, which is then rewritten; the build id (a hash of the
// bundle) covers the source. A folder that is not the user's own is never used. Node ≥ 22.1 has a
// compile cache of its own (module.enableCompileCache), but with it `glci list` took 20 % longer here,
// and Node 20 has none.
import Module, { createRequire } from 'node:module';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const STALE_MS = 24 * 60 * 60 * 1000;

/** @param {URL} url the bundle. @returns {Record<string, any>} its exports */
export function loadBundle(url) {
  const file = fileURLToPath(url);
  // The build writes ASCII only, for which latin1 is the exact and fastest decoding.
  const source = readFileSync(file, 'latin1');
  const cache = process.env.NODE_DISABLE_COMPILE_CACHE ? null : cacheFile(source, url);
  let cachedData;
  try {
    if (cache && ownFolder(cache.dir)) cachedData = readFileSync(cache.path);
  } catch {
    // first run of this command with this build
  }
  // Node's CommonJS wrapper, on the bundle's first line so line numbers stay the same, plus the
  // bundle's stand-in for import() (see scripts/build.mjs), resolving relative names against the bundle.
  const wrapper = `(function (exports, require, module, __filename, __dirname, __glciImport) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const bundle = new Module(file);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(dirname(file));
  // Where require() would put it: dist/commands/*.js then get this module, not a second copy.
  Module._cache[file] = bundle;
  const importer = (specifier) => import(/^\.\.?\//.test(specifier) ? new URL(specifier, url).href : specifier);
  script.runInThisContext().call(bundle.exports, bundle.exports, createRequire(file), bundle, file, dirname(file), importer);
  bundle.loaded = true;
  if (cache && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', (code) => {
      if (code === 0) writeCache(cache, script);
    });
  }
  return bundle.exports;
}

/** Where the code cache of this build, Node and command goes; null when the bundle has no build id. */
function cacheFile(source, url) {
  const id = /^\/\* glci-build ([0-9a-f]{16}) \*\//.exec(source.slice(0, 64))?.[1];
  if (!id) return null;
  const dir = join(process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache'), `glci-${process.getuid?.() ?? 'user'}`);
  // A command (or topic) of dist/commands/; `--version` and anything else share one cache each.
  const word = process.argv[2] ?? '';
  const isCommand = /^[a-z_][\w-]*$/.test(word) && (existsSync(new URL(`commands/${word}.js`, url)) || existsSync(new URL(`commands/${word}`, url)));
  const command = isCommand ? word : word === '--version' ? 'version' : 'other';
  return { dir, id, path: join(dir, `${id}-${process.version}-${process.arch}-${command}.cache`) };
}

/** A folder of this user's that nobody else may write to: only such a folder's cache is trusted. */
function ownFolder(dir) {
  const folder = lstatSync(dir);
  if (process.platform === 'win32') return folder.isDirectory();
  return folder.isDirectory() && folder.uid === process.getuid() && (folder.mode & 0o022) === 0;
}

function writeCache(cache, script) {
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    if (!ownFolder(cache.dir)) return;
    // Other builds' caches, once a day old: still there while two builds take turns, gone after.
    for (const name of readdirSync(cache.dir)) {
      const other = join(cache.dir, name);
      if (!name.startsWith(cache.id) && Date.now() - statSync(other).mtimeMs > STALE_MS) rmSync(other, { force: true });
    }
    const temporary = `${cache.path}.${process.pid}`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cache.path);
  } catch {
    // no cache this time
  }
}
