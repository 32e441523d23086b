// A private registry for the pull tests (see registry.sh): htpasswd authentication on 127.0.0.1, a
// copy of the busybox test image with one layer of its own under REGISTRY_IMAGE, storage in a temp
// dir. One per test process; `stop()` (also run when the process exits) leaves nothing behind.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ensureImage } from '../../fixtures/images/build.js';

export const registryScript = fileURLToPath(new URL('./registry.sh', import.meta.url));

export interface TestRegistry {
  /** `127.0.0.1:PORT`. */
  host: string;
  user: string;
  password: string;
  /** `127.0.0.1:PORT/private/busybox:1`, only in the registry (not on the engine) after start. */
  image: string;
  /** Stops the registry and deletes its storage; safe to call twice. */
  stop(): Promise<void>;
}

/** Installing docker-registry on a fresh machine may include `apt-get update`. */
const setupTimeoutMs = 10 * 60_000;

let running: Promise<TestRegistry> | undefined;

function parseState(stdout: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) state[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return state;
}

async function launch(): Promise<TestRegistry> {
  const source = await ensureImage('busybox');
  const dir = await mkdtemp(join(tmpdir(), 'glci-registry-'));
  const result = await execa('bash', [registryScript, 'start', dir, source], { stdin: 'ignore', reject: false, timeout: setupTimeoutMs });
  const state = parseState(result.stdout);
  if (result.failed || !state.REGISTRY_HOST || !state.REGISTRY_PASSWORD) {
    await execa('bash', [registryScript, 'stop', dir], { reject: false });
    throw new Error(`starting the test registry failed (exit ${String(result.exitCode)}):\n${result.stderr}`);
  }
  const pid = Number(state.REGISTRY_PID);
  // A test process that dies without afterAll must still not leave a registry running.
  const onExit = () => {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  let stopped = false;
  return {
    host: state.REGISTRY_HOST,
    user: state.REGISTRY_USER ?? '',
    password: state.REGISTRY_PASSWORD,
    image: state.REGISTRY_IMAGE ?? '',
    async stop() {
      if (stopped) return;
      stopped = true;
      running = undefined;
      process.removeListener('exit', onExit);
      await execa('bash', [registryScript, 'stop', dir], { stdin: 'ignore', reject: false });
    },
  };
}

/** Starts the registry once per process (later calls get the same one until it is stopped). */
export function startRegistry(): Promise<TestRegistry> {
  running ??= launch().catch((error: unknown) => {
    running = undefined;
    throw error;
  });
  return running;
}
