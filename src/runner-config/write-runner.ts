// Writes `[[runners]]` entries into config.toml as text: register appends a block, token rotation
// replaces a runner's token lines, unregister and `verify --delete` cut blocks out. Everything else in
// the file (other runners, comments, layout) stays byte for byte, which rewriting the parsed document
// would lose. Each result is parsed again before it replaces the file, and the file is written 0600
// (it holds tokens), as GitLab Runner writes it.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { parse } from '@iarna/toml';
import { ConfigError } from '../errors.js';
import { datetimeOrZero, tomlLine } from './toml-write.js';

/** What register writes for one runner (GitLab Runner's fields and defaults for a new entry). */
export interface RunnerEntry {
  name: string;
  url: string;
  /** GitLab's runner id (0 when an old GitLab did not send it). */
  id: number;
  token: string;
  /** RFC 3339 UTC. */
  tokenObtainedAt: string;
  /** RFC 3339; null: never expires. */
  tokenExpiresAt: string | null;
  executor: string;
  /** `[runners.docker] image`, for the docker executors. */
  dockerImage?: string;
  /** `tls-ca-file`, `tls-cert-file`, `tls-key-file` given to register. */
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

export interface TokenUpdate {
  token: string;
  tokenObtainedAt: string;
  tokenExpiresAt: string | null;
}

/** A `[[runners]]` entry as the file holds it, for choosing entries to remove. */
export interface ConfiguredRunner {
  /** 0-based position among the file's `[[runners]]`. */
  index: number;
  name: string;
  url: string;
  token: string;
  executor: string;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

const DOCKER_EXECUTORS = new Set(['docker', 'docker-windows', 'docker+machine', 'docker-autoscaler']);

/** The global part of a new config.toml, as `gitlab-runner register` writes it. */
export function newConfigText(): string {
  return 'concurrent = 1\ncheck_interval = 0\nshutdown_timeout = 0\n\n[session_server]\n  session_timeout = 1800\n';
}

/** One `[[runners]]` block with GitLab Runner's empty and default sub-tables for the executor. */
export function runnerBlock(entry: RunnerEntry): string {
  const i1 = '  ';
  const i2 = '    ';
  let text = '\n[[runners]]\n';
  text += tomlLine(i1, 'name', entry.name);
  text += tomlLine(i1, 'url', entry.url);
  text += tomlLine(i1, 'id', entry.id);
  text += tomlLine(i1, 'token', entry.token);
  text += tomlLine(i1, 'token_obtained_at', datetimeOrZero(entry.tokenObtainedAt));
  text += tomlLine(i1, 'token_expires_at', datetimeOrZero(entry.tokenExpiresAt));
  // GitLab Runner's order: the credentials, then the TLS files, then the executor.
  if (entry.tlsCaFile) text += tomlLine(i1, 'tls-ca-file', entry.tlsCaFile);
  if (entry.tlsCertFile) text += tomlLine(i1, 'tls-cert-file', entry.tlsCertFile);
  if (entry.tlsKeyFile) text += tomlLine(i1, 'tls-key-file', entry.tlsKeyFile);
  text += tomlLine(i1, 'executor', entry.executor);
  text += `${i1}[runners.custom_build_dir]\n`;
  text += `${i1}[runners.cache]\n${tomlLine(i2, 'MaxUploadedArchiveSize', 0)}${i2}[runners.cache.s3]\n${i2}[runners.cache.gcs]\n${i2}[runners.cache.azure]\n`;
  if (DOCKER_EXECUTORS.has(entry.executor)) {
    text += `${i1}[runners.docker]\n`;
    text += tomlLine(i2, 'tls_verify', false);
    text += tomlLine(i2, 'image', entry.dockerImage ?? '');
    text += tomlLine(i2, 'privileged', false);
    text += tomlLine(i2, 'disable_entrypoint_overwrite', false);
    text += tomlLine(i2, 'oom_kill_disable', false);
    text += tomlLine(i2, 'disable_cache', false);
    text += tomlLine(i2, 'volumes', ['/cache']);
    text += tomlLine(i2, 'shm_size', 0);
    text += tomlLine(i2, 'network_mtu', 0);
  } else if (entry.executor === 'kubernetes') {
    text += `${i1}[runners.kubernetes]\n`;
    if (entry.dockerImage) text += tomlLine(i2, 'image', entry.dockerImage);
  }
  return text;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

interface Parsed {
  runners: Record<string, unknown>[];
}

function parseChecked(text: string, file: string, what: string): Parsed {
  let table: Record<string, unknown>;
  try {
    table = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw ConfigError.at({ file, line: 1, column: 1 }, `${what}: ${file} is not valid TOML (${(err as Error).message.split('\n')[0]})`, 'fix the file, then run the command again');
  }
  const runners = Array.isArray(table.runners) ? (table.runners as Record<string, unknown>[]) : [];
  return { runners };
}

/** Replaces `file` through a temporary file in its directory, mode 0600 (also when it existed wider). */
async function replaceFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFile(temporary, text, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** Appends a runner (creating the file with GitLab Runner's globals when missing or empty). */
export async function addRunner(file: string, entry: RunnerEntry): Promise<void> {
  const existing = await readIfExists(file);
  const base = existing === null || existing.trim() === '' ? newConfigText() : existing.endsWith('\n') ? existing : `${existing}\n`;
  const before = existing === null ? 0 : parseChecked(base, file, 'cannot add the runner').runners.length;
  const text = base + runnerBlock(entry);
  const after = parseChecked(text, file, 'cannot add the runner');
  const added = after.runners[after.runners.length - 1];
  if (after.runners.length !== before + 1 || added?.token !== entry.token) {
    throw ConfigError.at({ file, line: 1, column: 1 }, `cannot add the runner: the [[runners]] block appended to ${file} does not read back`, 'check that the file ends outside a multi-line string or table array, then register again');
  }
  await replaceFile(file, text);
}

interface Block {
  /** Line index of the `[[runners]]` header. */
  start: number;
  /** Line index after the block's last line. */
  end: number;
  /** Line index of the first sub-table header (end of the runner's own keys). */
  ownEnd: number;
}

const RUNNERS_HEADER = /^\s*\[\[\s*runners\s*\]\]\s*(#.*)?$/;
const ANY_HEADER = /^\s*\[/;
const RUNNER_SUBTABLE = /^\s*\[{1,2}\s*runners\s*\./;

/** The `[[runners]]` blocks of the text, by lines. A block's trailing comments stay with what follows. */
function findBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  const close = (at: number) => {
    if (!current) return;
    // The empty string after the file's last newline is not part of the last block.
    let end = at === lines.length && lines[at - 1] === '' ? at - 1 : at;
    // Comments and blank lines right before the next header belong to that header.
    while (at < lines.length && end > current.start + 1 && /^\s*(#.*)?$/.test(lines[end - 1] ?? '')) end--;
    current.end = end;
    if (current.ownEnd > end) current.ownEnd = end;
    blocks.push(current);
    current = null;
  };
  lines.forEach((line, i) => {
    if (RUNNERS_HEADER.test(line)) {
      close(i);
      current = { start: i, end: lines.length, ownEnd: lines.length };
    } else if (current && ANY_HEADER.test(line)) {
      if (RUNNER_SUBTABLE.test(line)) current.ownEnd = Math.min(current.ownEnd, i);
      else close(i);
    }
  });
  close(lines.length);
  return blocks;
}

function blocksOf(text: string, file: string, parsed: Parsed, what: string): { lines: string[]; blocks: Block[] } {
  const lines = text.split('\n');
  const blocks = findBlocks(lines);
  if (blocks.length !== parsed.runners.length) {
    throw ConfigError.at({ file, line: 1, column: 1 }, `${what}: cannot find the [[runners]] blocks of ${file} line by line`, 'write each runner as a [[runners]] header on its own line');
  }
  return { lines, blocks };
}

/** Sets `key` in the runner's own lines (before its sub-tables): replaced in place, else added after `after`. */
function setKey(lines: string[], block: Block, key: string, line: string, after: string): number {
  const matches = (k: string) => (l: string) => new RegExp(`^\\s*${k.replace(/[-]/g, '\\-')}\\s*=`).test(l);
  const own = lines.slice(block.start + 1, block.ownEnd);
  const at = own.findIndex(matches(key));
  if (at >= 0) {
    lines[block.start + 1 + at] = line;
    return 0;
  }
  const anchor = own.findIndex(matches(after));
  const insertAt = anchor >= 0 ? block.start + 2 + anchor : block.start + 1;
  lines.splice(insertAt, 0, line);
  return 1;
}

/** The runner whose token is `runnerToken` gets the new token and its times; the rest of the file is kept. */
export async function updateRunnerToken(file: string, runnerToken: string, update: TokenUpdate): Promise<void> {
  const what = 'cannot store the rotated token';
  const text = await readFile(file, 'utf8');
  const parsed = parseChecked(text, file, what);
  const index = parsed.runners.findIndex((r) => r.token === runnerToken);
  if (index < 0) throw ConfigError.at({ file, line: 1, column: 1 }, `${what}: no [[runners]] entry of ${file} has that token any more`, 'the file changed meanwhile; register the runner again if GitLab no longer accepts it');
  const { lines, blocks } = blocksOf(text, file, parsed, what);
  const block = { ...blocks[index]! };
  const indent = /^(\s*)token\s*=/m.exec(lines.slice(block.start + 1, block.ownEnd).join('\n'))?.[1] ?? '  ';
  const line = (key: string, value: Parameters<typeof tomlLine>[2]) => tomlLine(indent, key, value).slice(0, -1);
  block.ownEnd += setKey(lines, block, 'token', line('token', update.token), 'url');
  block.ownEnd += setKey(lines, block, 'token_obtained_at', line('token_obtained_at', datetimeOrZero(update.tokenObtainedAt)), 'token');
  setKey(lines, block, 'token_expires_at', line('token_expires_at', datetimeOrZero(update.tokenExpiresAt)), 'token_obtained_at');
  const result = lines.join('\n');
  if (parseChecked(result, file, what).runners[index]?.token !== update.token) {
    throw ConfigError.at({ file, line: block.start + 1, column: 1 }, `${what}: the edited [[runners]] entry of ${file} does not read back`, 'write the runner\'s token on one line: token = "..."');
  }
  await replaceFile(file, result);
}

function describe(runner: Record<string, unknown>, index: number): ConfiguredRunner {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const tls: Pick<ConfiguredRunner, 'tlsCaFile' | 'tlsCertFile' | 'tlsKeyFile'> = {};
  if (text(runner['tls-ca-file'])) tls.tlsCaFile = text(runner['tls-ca-file']);
  if (text(runner['tls-cert-file'])) tls.tlsCertFile = text(runner['tls-cert-file']);
  if (text(runner['tls-key-file'])) tls.tlsKeyFile = text(runner['tls-key-file']);
  return { index, name: text(runner.name), url: text(runner.url), token: text(runner.token), executor: text(runner.executor), ...tls };
}

/** The file's `[[runners]]` entries (none when the file does not exist). */
export async function readConfiguredRunners(file: string): Promise<ConfiguredRunner[]> {
  const text = await readIfExists(file);
  if (text === null) return [];
  return parseChecked(text, file, 'cannot read the runners').runners.map(describe);
}

/** Removes the entries `predicate` picks; returns them. The file is not touched when none is picked. */
export async function removeRunners(file: string, predicate: (runner: ConfiguredRunner) => boolean): Promise<ConfiguredRunner[]> {
  const what = 'cannot remove the runner';
  const text = await readFile(file, 'utf8');
  const parsed = parseChecked(text, file, what);
  const runners = parsed.runners.map(describe);
  const removed = runners.filter(predicate);
  if (removed.length === 0) return [];
  const { lines, blocks } = blocksOf(text, file, parsed, what);
  for (const runner of [...removed].reverse()) {
    const block = blocks[runner.index]!;
    // One blank line between the neighbours, not the removed block's and theirs.
    const extra = block.start > 0 && lines[block.start - 1] === '' && lines[block.end] === '' ? 1 : 0;
    lines.splice(block.start, block.end - block.start + extra);
  }
  const result = lines.join('\n');
  const left = parseChecked(result, file, what).runners.map((r, i) => describe(r, i));
  const expected = runners.filter((r) => !removed.includes(r)).map((r) => r.token);
  if (left.length !== expected.length || left.some((r, i) => r.token !== expected[i])) {
    throw ConfigError.at({ file, line: 1, column: 1 }, `${what}: ${file} does not read back as expected after removing the entry`, 'remove the [[runners]] block by hand');
  }
  await replaceFile(file, result);
  return removed;
}
