// Headless Chromium for the report end-to-end test: installed on demand (test/setup/ensure-chromium.sh),
// run with a throw-away profile and everything that would reach the network switched off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

const ensureScript = fileURLToPath(new URL('../setup/ensure-chromium.sh', import.meta.url));

/** The browser's path, installing Debian's `chromium` package when it is missing (as root). */
export async function ensureChromium(): Promise<string> {
  const result = await execa('bash', [ensureScript], { stdin: 'ignore', reject: false, timeout: 20 * 60_000 });
  if (result.failed) throw new Error(`chromium setup failed (exit code ${String(result.exitCode)}):\n${result.stderr}`);
  return result.stdout.trim().split('\n').at(-1) ?? 'chromium';
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function chromium(browser: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'glci-chromium-'));
  try {
    const result = await execa(browser, [...FLAGS, `--user-data-dir=${profile}`, ...args], { stdin: 'ignore', reject: false, timeout: 90_000 });
    if (result.exitCode !== 0) throw new Error(`chromium exited ${String(result.exitCode)}:\n${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The DOM after the page's scripts ran, as Chromium serialises it. */
export function dumpDom(browser: string, page: string): Promise<string> {
  return chromium(browser, ['--dump-dom', pathToFileURL(page).href]);
}

/** A 1200×900 PNG of the page. */
export async function screenshot(browser: string, page: string, file: string): Promise<void> {
  await chromium(browser, [`--screenshot=${file}`, '--window-size=1200,900', pathToFileURL(page).href]);
}
