// Build: bundles each oclif command (and the code it imports) with esbuild into dist/commands/*.js,
// sharing code between commands through chunks. Why bundle: `glci list` start-up is dominated by
// module resolution and loading (~200 small modules); a handful of chunks halves it (DESIGN.md habit 10).
// Heavy SDKs stay external and are imported lazily by the code paths that use them.
// Type checking is separate (`npm run typecheck`).
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const EXTERNAL = ['@oclif/core', '@kubernetes/client-node', 'ink', 'react', 'react/*', 'chokidar', '@iarna/toml'];

rmSync('dist', { recursive: true, force: true });

// dockerode, pre-bundled into dist/vendor/dockerode.js without the two parts glci never uses: BuildKit
// sessions (which load @grpc/grpc-js and protobufjs) and ssh:// engines (ssh2). Loading them cost
// 150–300 ms of every docker run's start-up. The stubs throw if ever reached. Commands import it as
// `#dockerode` (package.json "imports"), still lazily; tests and type checks use the real package.
const UNUSED = [
  { file: /^\.\/session$/, owner: '/dockerode/', what: 'BuildKit sessions' },
  { file: /^\.\/ssh$/, owner: '/docker-modem/', what: 'ssh:// Docker engines' },
];
const stubUnused = {
  name: 'glci-stub-unused',
  setup(b) {
    for (const unused of UNUSED) {
      b.onResolve({ filter: unused.file }, (args) => (args.importer.includes(unused.owner) ? { path: unused.what, namespace: 'glci-stub' } : undefined));
    }
    b.onLoad({ filter: /.*/, namespace: 'glci-stub' }, (args) => ({
      contents: `module.exports = function () { throw new Error(${JSON.stringify(`glci's build of dockerode leaves out ${args.path}`)}); };`,
      loader: 'js',
    }));
  },
};
await build({
  entryPoints: { dockerode: 'node_modules/dockerode/lib/docker.js' },
  outdir: 'dist/vendor',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [stubUnused],
  banner: { js: "import { createRequire as __glciCreateRequire } from 'node:module'; const require = __glciCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
const vendorDockerode = {
  name: 'glci-vendor-dockerode',
  setup(b) {
    b.onResolve({ filter: /^dockerode$/ }, () => ({ path: '#dockerode', external: true }));
  },
};
// Recursive: topic commands live in sub-folders (src/commands/config/show.ts is `glci config show`).
const commands = readdirSync('src/commands', { recursive: true })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `src/commands/${f.split('\\').join('/')}`);

await build({
  entryPoints: commands,
  outdir: 'dist/commands',
  chunkNames: '../chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: EXTERNAL,
  plugins: [vendorDockerode],
  // CommonJS dependencies bundled into ESM may call require() for Node built-ins.
  banner: { js: "import { createRequire as __glciCreateRequire } from 'node:module'; const require = __glciCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
