// The runner manager's system_id (runner-behavior.md §8.2): `s_` + the first 12 hex digits of
// HMAC-SHA256(key = the machine id, message = `gitlab-runner`), so one host keeps one id across
// reinstalls; without a machine id, `r_` + 12 random alphanumerics. Stored in `.runner_system_id` next
// to config.toml and reused, as GitLab Runner does, so GitLab sees the same manager on every start.
import { createHmac, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SYSTEM_ID_FILE = '.runner_system_id';
const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const VALID = /^[sr]_[0-9a-zA-Z]{12}$/;

export interface SystemIdOptions {
  /** Files holding the machine id, first readable one wins (tests pass their own). */
  machineIdFiles?: readonly string[];
}

async function readTrimmed(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

/** A fresh id: from the machine id when one is readable, else random. */
export async function generateSystemId(options: SystemIdOptions = {}): Promise<string> {
  for (const file of options.machineIdFiles ?? MACHINE_ID_FILES) {
    const machineId = await readTrimmed(file);
    if (machineId) return `s_${createHmac('sha256', machineId).update('gitlab-runner').digest('hex').slice(0, 12)}`;
  }
  let random = 'r_';
  for (let i = 0; i < 12; i++) random += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return random;
}

/** The id stored in `<configDir>/.runner_system_id`, or a new one written there (directory 0700, file 0600). */
export async function readOrCreateSystemId(configDir: string, options: SystemIdOptions = {}): Promise<string> {
  const file = join(configDir, SYSTEM_ID_FILE);
  const stored = await readTrimmed(file);
  if (stored && VALID.test(stored)) return stored;
  const id = await generateSystemId(options);
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${id}\n`, { mode: 0o600 });
  return id;
}
