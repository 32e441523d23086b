#!/usr/bin/env node
// Entry point. `glci --version` is answered here when that is certain to print what oclif would
// (version.js); anything else loads dist/glci.cjs, glci and @oclif/core in one bundle
// (scripts/build.mjs), with V8's code cache (load-bundle.js), and runs oclif through it
// (src/cli/main.ts). Start-up is a feature (DESIGN.md habit 10).
import module from 'node:module';
import { loadBundle } from './load-bundle.js';
import { quickVersion } from './version.js';

const version = quickVersion(process.argv.slice(2));
if (version !== null) {
  process.stdout.write(`${version}\n`);
} else {
  // Node ≥ 22.1 keeps the compiled code of what the bundle loads from node_modules (ink, ...) too.
  module.enableCompileCache?.();
  const glci = loadBundle(new URL('../dist/glci.cjs', import.meta.url));
  await glci.main(import.meta.url, glci.commands);
}
