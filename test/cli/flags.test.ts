// Every command flag has a GLCI_* environment variable (issue: "a GLCI_* environment variable for every
// flag"), read from the generated oclif manifest so commands added later are checked too.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifestPath = new URL('../../oclif.manifest.json', import.meta.url);

interface ManifestFlag { name: string; env?: string; type: string }
interface Manifest { commands: Record<string, { flags: Record<string, ManifestFlag> }> }

// oclif's own flags: --json's variable is GLCI_JSON (see base-command.ts), help/version have none.
const BUILT_IN = new Set(['json', 'help', 'version']);

describe('command flags', () => {
  it('exist in the manifest (npm run build generates it)', () => {
    expect(existsSync(manifestPath)).toBe(true);
  });

  it('each have a GLCI_* environment variable named after the flag', () => {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    const commands = Object.entries(manifest.commands);
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const [id, command] of commands) {
      for (const flag of Object.values(command.flags)) {
        if (BUILT_IN.has(flag.name)) continue;
        const expected = `GLCI_${flag.name.toUpperCase().replace(/-/g, '_')}`;
        expect(flag.env, `${id} --${flag.name}`).toBe(expected);
      }
    }
  });
});
