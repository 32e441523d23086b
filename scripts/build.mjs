// Build: bundles each oclif command (and the code it imports) with esbuild into dist/commands/*.js,
// sharing code between commands through chunks. Why bundle: `glci list` start-up is dominated by
// module resolution and loading (~200 small modules); a handful of chunks halves it (DESIGN.md habit 10).
// Heavy SDKs stay external and are imported lazily by the code paths that use them.
// Type checking is separate (`npm run typecheck`).
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const EXTERNAL = ['@oclif/core', 'dockerode', '@kubernetes/client-node', 'ink', 'react', 'react/*', 'chokidar', '@iarna/toml'];

rmSync('dist', { recursive: true, force: true });
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
  // CommonJS dependencies bundled into ESM may call require() for Node built-ins.
  banner: { js: "import { createRequire as __glciCreateRequire } from 'node:module'; const require = __glciCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
