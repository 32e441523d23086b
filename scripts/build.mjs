// Build. Everything glci runs, @oclif/core included, goes into one CommonJS bundle, dist/glci.cjs,
// which bin/run.js loads with V8's code cache (bin/load-bundle.js). Start-up is a feature (DESIGN.md
// habit 10): Node reads one file instead of ~150 modules, and a CommonJS script can be given a code
// cache on every Node glci supports (Node 20 has no compile cache of its own, and Node's own one of 22+
// was slower here). Commands are evaluated on first use (`commands` below), so `glci list` runs none
// of the code of `glci run`. Beside it:
//   dist/commands/*.js      one small ES module per command, taking its class from the bundle: the
//                           files oclif.manifest.json names (oclif's normal loading, `oclif manifest`)
//   dist/live-reporter.js   the ink view, an ES module: ink cannot be require()d (top-level await)
//   dist/vendor/dockerode.cjs  dockerode, for `run` and the engine commands only
//   dist/vendor/kubernetes-client.cjs  @kubernetes/client-node, for kubernetes jobs only
//   dist/version.cjs        the WSL test of oclif's `glci --version`, for bin/version.js
// Type checking is separate (`npm run typecheck`).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';

const BUNDLE = 'dist/glci.cjs';
// Loaded from node_modules at run time, and only by the code paths that need them.
const EXTERNAL = ['ink', 'react', 'react/*', 'chokidar', '@iarna/toml'];
const COMMON = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });

// Parts of dependencies glci never runs, replaced by stubs that throw if ever reached: dockerode's
// BuildKit sessions (which load @grpc/grpc-js and protobufjs, 150–300 ms of every docker run) and
// ssh:// engines (ssh2); oclif's transpiling of TypeScript sources, switched off by src/cli/main.ts.
const UNUSED = [
  { file: /^\.\/session$/, owner: '/dockerode/', what: 'BuildKit sessions' },
  { file: /^\.\/ssh$/, owner: '/docker-modem/', what: 'ssh:// Docker engines' },
  { file: /^typescript$/, owner: '/@oclif/core/', what: "TypeScript (oclif's transpiling of sources)" },
];
const stubUnused = {
  name: 'glci-stub-unused',
  setup(b) {
    for (const unused of UNUSED) {
      b.onResolve({ filter: unused.file }, (args) => (args.importer.includes(unused.owner) ? { path: unused.what, namespace: 'glci-stub' } : undefined));
    }
    b.onLoad({ filter: /.*/, namespace: 'glci-stub' }, (args) => ({
      contents: `module.exports = function () { throw new Error(${JSON.stringify(`glci's build leaves out ${args.path}`)}); };`,
      loader: 'js',
    }));
  },
};

// Optional native add-ons and converters that @kubernetes/client-node's dependencies require inside a
// try/catch and do without (ws's bufferutil and utf-8-validate, node-fetch's encoding): a module that
// throws when required, exactly what a missing package does, so nothing is bundled or installed for them.
const OPTIONAL = [
  { file: /^(bufferutil|utf-8-validate)$/, owner: '/ws/' },
  { file: /^encoding$/, owner: '/node-fetch/' },
];
const leaveOutOptional = {
  name: 'glci-leave-out-optional',
  setup(b) {
    for (const optional of OPTIONAL) {
      b.onResolve({ filter: optional.file }, (args) => (args.importer.includes(optional.owner) ? { path: args.path, namespace: 'glci-optional' } : undefined));
    }
    b.onLoad({ filter: /.*/, namespace: 'glci-optional' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}' (left out of glci's build)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

await build({ ...COMMON, entryPoints: { dockerode: 'node_modules/dockerode/lib/docker.js' }, outdir: 'dist/vendor', outExtension: { '.js': '.cjs' }, format: 'cjs', plugins: [stubUnused] });
// @kubernetes/client-node is ES modules only (with ES-only dependencies), which the CommonJS bundle
// cannot require() on Node 20; bundled as CommonJS it can. Minified because its generated API models
// are ~15 MB of source (3.5 MB so); names kept for the errors it prints.
await build({
  ...COMMON,
  entryPoints: { 'kubernetes-client': 'node_modules/@kubernetes/client-node/dist/index.js' },
  outdir: 'dist/vendor',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  minify: true,
  keepNames: true,
  plugins: [leaveOutOptional],
});

// Imported by app/run-output.ts when the terminal gets the live view.
await build({ ...COMMON, entryPoints: { 'live-reporter': 'src/reporters/live/live-reporter.ts' }, outdir: 'dist', format: 'esm', sourcemap: 'linked', external: EXTERNAL });

// is-wsl, the test oclif's --version path asks through wsl-utils, resolved from where @oclif/core
// resolves wsl-utils: the copy oclif itself uses.
const oclifRequire = createRequire(createRequire(import.meta.url).resolve('@oclif/core'));
await build({
  ...COMMON,
  stdin: { contents: "export { default as isWsl } from 'is-wsl';\n", resolveDir: dirname(oclifRequire.resolve('wsl-utils')), sourcefile: 'glci-version.js' },
  outfile: 'dist/version.cjs',
  format: 'cjs',
});

// Recursive: topic commands live in sub-folders (src/commands/config/show.ts is `glci config show`).
const commands = readdirSync('src/commands', { recursive: true })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.split('\\').join('/'))
  .sort();
const idOf = (file) => file.slice(0, -'.ts'.length).split('/').join(':');

// The bundle's entry: src/cli/main.ts and the commands, each behind an import() that esbuild turns into
// a function evaluating that command's modules when first called.
const entry = [
  "export { main } from './src/cli/main.ts';",
  'export const commands = {',
  ...commands.map((f) => `  ${JSON.stringify(idOf(f))}: () => import('./src/commands/${f}'),`),
  '};',
].join('\n');

// V8 cannot cache code that calls import() (the callback it needs is not part of the cache), so each
// import() of the bundle calls `$import` instead (finishBundle): bin/load-bundle.js passes one in; when
// Node require()s the bundle (oclif manifest), `$import` is import() in the bundle's own scope. The first
// line also carries the build's id, a hash of the bundle: the code cache's key.
const ID_PLACEHOLDER = '0'.repeat(16);
const BANNER = `/* glci-build ${ID_PLACEHOLDER} */ var $import = typeof __glciImport === "function" ? __glciImport : (specifier) => import(specifier);`;
const redirect = {
  name: 'glci-redirect',
  setup(b) {
    b.onResolve({ filter: /^dockerode$/ }, () => ({ path: './vendor/dockerode.cjs', external: true }));
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './vendor/kubernetes-client.cjs', external: true }));
    b.onResolve({ filter: /\/reporters\/live\/live-reporter\.js$/ }, () => ({ path: './live-reporter.js', external: true }));
  },
};
// oclif's Plugin sorts its commands with localeCompare on every start, and the first localeCompare of a
// process sets up ICU's collator: 5–9 ms. Code-unit order instead: nothing glci prints depends on that
// order (help and completion sort for themselves; every topic is declared in package.json).
const PLUGIN_SORT = '.sort((a, b) => a.id.localeCompare(b.id));';
const pluginSort = {
  name: 'glci-plugin-sort',
  setup(b) {
    b.onLoad({ filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (text.split(PLUGIN_SORT).length !== 2) throw new Error(`${args.path}: the command sort to replace is not there once; look at this @oclif/core version`);
      return { contents: text.replace(PLUGIN_SORT, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));'), loader: 'js' };
    });
  },
};
await build({
  ...COMMON,
  stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: 'glci-entry.ts', loader: 'ts' },
  outfile: BUNDLE,
  format: 'cjs',
  sourcemap: 'linked',
  banner: { js: BANNER },
  external: EXTERNAL,
  plugins: [redirect, stubUnused, pluginSort],
});

/** Offsets of the `import` keyword of every import() call in `text`, found by parsing it. */
function importCalls(text) {
  const source = ts.createSourceFile(BUNDLE, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const found = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) found.push(node.expression.getStart(source));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * `$import(` for `import(`, and every character outside ASCII as a `\u` escape (esbuild leaves some in
 * comments and regular expressions): one is enough to make Node decode the file as UTF-8 into a
 * two-byte string, 15 ms of every start on Node 20 instead of 1 ms.
 */
function finishBundle(text) {
  let out = '';
  let from = 0;
  for (const at of importCalls(text).filter((offset) => offset > BANNER.length)) {
    out += `${text.slice(from, at)}$`;
    from = at;
  }
  out += text.slice(from);
  out = out.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const id = createHash('sha256').update(out).digest('hex').slice(0, ID_PLACEHOLDER.length);
  return out.replace(ID_PLACEHOLDER, id);
}
writeFileSync(BUNDLE, finishBundle(readFileSync(BUNDLE, 'utf8')));

// createRequire rather than import: importing a CommonJS file makes Node scan all of it for the names
// it exports (300 ms for this bundle).
for (const file of commands) {
  const out = join('dist/commands', file.replace(/\.ts$/, '.js'));
  mkdirSync(dirname(out), { recursive: true });
  const bundle = relative(dirname(out), BUNDLE).split('\\').join('/');
  writeFileSync(out, [
    "import { createRequire } from 'node:module';",
    `const { commands } = createRequire(import.meta.url)(${JSON.stringify(bundle)});`,
    `export default (await commands[${JSON.stringify(idOf(file))}]()).default;`,
    '',
  ].join('\n'));
}
