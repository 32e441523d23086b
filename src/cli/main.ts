// What bin/run.js starts once it has loaded dist/glci.cjs, the one bundle of glci and @oclif/core
// (scripts/build.mjs): oclif's own `execute`, so parsing, help, --version, errors and exit statuses are
// oclif's. The fast path (the default) changes only where things come from: the root plugin is glci,
// read from its package.json and oclif.manifest.json as oclif reads them, without the search for
// user, dev and core plugins (glci has none), and a command's class comes from the bundle instead of
// being imported from dist/commands/ (those files remain, for oclif's normal loading and for
// `oclif manifest`). GLCI_FAST_PATH=0 takes oclif's normal path (test/cli/startup-paths.test.ts
// compares the two).
import { fileURLToPath } from 'node:url';
import type { Command } from '@oclif/core';

/** The bundle's command classes by oclif id (`hook:run`), each evaluated on first use. */
export type CommandRegistry = Readonly<Record<string, () => Promise<{ default: Command.Class }>>>;

type Oclif = typeof import('@oclif/core');

/** glci's root plugin with the bundle's command classes; the rest is oclif's Plugin. */
function bundledPlugin(oclif: Oclif, root: string, registry: CommandRegistry) {
  class BundledPlugin extends oclif.Plugin {
    override async findCommand(id: string, opts: { must: true }): Promise<Command.Class>;
    override async findCommand(id: string, opts?: { must: boolean }): Promise<Command.Class | undefined>;
    override async findCommand(id: string, opts: { must?: boolean } = {}): Promise<Command.Class | undefined> {
      const load = registry[id];
      const cached = this.manifest.commands[id];
      if (!load || !cached?.relativePath) return super.findCommand(id, { must: opts.must ?? false });
      // What oclif's own findCommand sets on a class it imported from dist/commands/.
      return Object.assign((await load()).default, { id, plugin: this, isESM: cached.isESM ?? true, relativePath: cached.relativePath });
    }
  }
  return new BundledPlugin({ root, isRoot: true });
}

export async function main(binUrl: string, registry: CommandRegistry): Promise<void> {
  // Evaluated here rather than when the bundle loads: bin/run.js may not need it.
  const oclif = await import('@oclif/core');
  // oclif looks for TypeScript sources to transpile under NODE_ENV=development|test; the commands are
  // in the bundle, and the bundle leaves typescript out.
  oclif.settings.enableAutoTranspile = false;
  const root = fileURLToPath(binUrl);
  const plugin = bundledPlugin(oclif, root, registry);
  // An unreadable package.json or manifest: the normal path reports it the way oclif does.
  const fast = process.env.GLCI_FAST_PATH !== '0' && (await plugin.load().then(() => true, () => false));
  if (!fast) {
    await oclif.execute({ dir: binUrl });
    return;
  }
  await oclif.execute({ args: process.argv.slice(2), loadOptions: { root, plugins: new Map([[plugin.name, plugin]]) } });
}
