// Opens a file with the desktop's default application (`glci report --open`): `open` on macOS,
// `xdg-open` elsewhere. The viewer outlives glci, so it is detached and not waited for.
import { spawn } from 'node:child_process';

/** Resolves once the opener started; rejects when it cannot be started (e.g. no xdg-open installed). */
export function openWithDefaultApp(path: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const command = platform === 'darwin' ? 'open' : 'xdg-open';
  return new Promise((resolve, reject) => {
    const child = spawn(command, [path], { detached: true, stdio: 'ignore' });
    child.once('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
