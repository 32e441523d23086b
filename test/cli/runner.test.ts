// `glci runner register|verify|list|unregister` through the built CLI, against a tiny GitLab double on
// 127.0.0.1 answering the runner endpoints as GitLab does (runner-behavior.md §8.2).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glci-cli-runner-'));
const GLRT = 'glrt-t1_CliToken0123456789';
const REGISTRATION = 'GR1348941cliRegistration';
const ISSUED = 'glrt-t2_IssuedByLegacy0123';

interface Seen { method: string; path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }
const seen: Seen[] = [];
const valid = new Set([GLRT]);
let server: Server;
let url: string;

function answer(req: IncomingMessage, body: Record<string, unknown>): { status: number; json?: unknown } {
  const path = req.url ?? '';
  if (req.method === 'POST' && path === '/api/v4/runners/verify') {
    return valid.has(String(body.token)) ? { status: 200, json: { id: 4711, token: body.token, token_expires_at: null } } : { status: 403, json: { message: '403 Forbidden' } };
  }
  if (req.method === 'POST' && path === '/api/v4/runners') {
    if (body.token !== REGISTRATION) return { status: 403, json: { message: '403 Forbidden' } };
    valid.add(ISSUED);
    return { status: 201, json: { id: 99, token: ISSUED, token_expires_at: '2027-01-01T00:00:00.000Z' } };
  }
  if (req.method === 'DELETE' && (path === '/api/v4/runners/managers' || path === '/api/v4/runners')) {
    return valid.has(String(body.token)) ? { status: 204 } : { status: 403, json: { message: '403 Forbidden' } };
  }
  return { status: 404, json: { message: '404 Not Found' } };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => { raw += chunk.toString(); });
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const { status, json } = answer(req, body);
      res.writeHead(status, json === undefined ? {} : { 'Content-Type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function glci(...args: string[]) {
  // stdin is not a terminal here: nothing is asked.
  return execa(process.execPath, [bin, 'runner', ...args], {
    reject: false, stdin: 'ignore', env: { GLCI_DEBUG: '', GLCI_CONFIG: '', HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg') },
  });
}

describe('glci runner', () => {
  const config = join(dir, 'etc', 'config.toml');

  it('register with a glrt- token verifies it and writes config.toml 0600', async () => {
    const res = await glci('register', '--non-interactive', '--url', url, '--token', GLRT, '--executor', 'shell', '--name', 'cli-one', '--config', config);
    expect(res.stderr).toMatch(/^Verifying runner\.\.\. is valid\s+runner=t1_CliTok$/m);
    expect(res.stderr).toContain('Runner registered successfully.');
    expect(res.stderr).toContain(`Configuration (with the authentication token) was saved in "${config}"`);
    expect(res.exitCode).toBe(0);
    const verify = seen.find((s) => s.path === '/api/v4/runners/verify')!;
    expect(verify.headers['runner-token']).toBe(GLRT);
    expect(verify.body).toMatchObject({ token: GLRT, system_id: expect.stringMatching(/^[sr]_[0-9a-zA-Z]{12}$/) });
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/^concurrent = 1\ncheck_interval = 0\nshutdown_timeout = 0\n/);
    expect(text).toContain('  id = 4711\n');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'etc', '.runner_system_id'), 'utf8').trim()).toBe(verify.body.system_id);
  });

  it('register with a legacy token registers, warns, and appends the second runner', async () => {
    const res = await glci('register', '-n', '--url', url, '--registration-token', REGISTRATION, '--executor', 'docker', '--docker-image', 'alpine:3.20',
      '--name', 'cli-two', '--tag-list', 'a,b', '--config', config, '--json');
    expect(res.exitCode).toBe(0);
    expect(res.stderr).toContain("WARNING: Support for registration tokens and runner parameters in the 'register' command has been deprecated in GitLab Runner 15.6");
    expect(res.stderr).toMatch(/^Registering runner\.\.\. succeeded\s+runner=GR1348941cliRegis$/m);
    expect(JSON.parse(res.stdout)).toMatchObject({ id: 99, name: 'cli-two', executor: 'docker', tokenKind: 'registration' });
    expect(seen.find((s) => s.path === '/api/v4/runners' && s.method === 'POST')?.body).toMatchObject({ tag_list: 'a,b', description: 'cli-two', locked: true });
    expect(readFileSync(config, 'utf8')).toContain(`token = "${ISSUED}"`);
  });

  it('register refuses server-side flags with a glrt- token, a bad token, and a missing flag', async () => {
    const reserved = await glci('register', '-n', '--url', url, '--token', GLRT, '--executor', 'shell', '--tag-list', 'x', '--config', config);
    expect(reserved.exitCode).toBe(2);
    expect(reserved.stderr).toContain('Runner configuration other than name and executor configuration is reserved');
    const bad = await glci('register', '-n', '--url', url, '--token', 'glrt-unknown-token-123', '--executor', 'shell', '--config', config);
    expect(bad.stderr).toContain('Verifying runner... is not valid');
    expect(bad.exitCode).not.toBe(0);
    const missing = await glci('register', '-n', '--url', url, '--executor', 'shell', '--config', config);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--token is required');
  });

  it('list shows both runners with short tokens; verify says valid', async () => {
    const list = await glci('list', '--config', config);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^Listing configured runners\s+ConfigFile=/);
    expect(list.stdout).toMatch(/^cli-one\s+Executor=shell Token=t1_CliTok URL=http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(list.stdout).not.toContain(GLRT);
    const verify = await glci('verify', '--config', config);
    expect(verify.exitCode).toBe(0);
    expect(verify.stderr.match(/Verifying runner\.\.\. is valid/g)).toHaveLength(2);
  });

  it('verify --delete removes a runner GitLab no longer knows; unregister removes the manager', async () => {
    valid.delete(ISSUED);
    const verify = await glci('verify', '--delete', '--config', config);
    expect(verify.stderr).toMatch(/^ERROR: Verifying runner\.\.\. is not valid\s+runner=t2_Issued$/m);
    expect(verify.stderr).toContain(`Updated ${config}`);
    expect(readFileSync(config, 'utf8')).not.toContain('cli-two');
    const unregister = await glci('unregister', '--name', 'cli-one', '--config', config);
    expect(unregister.exitCode).toBe(0);
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v4/runners/managers', body: { token: GLRT } });
    expect(readFileSync(config, 'utf8')).not.toContain('[[runners]]');
  });

  it('has help for each command', async () => {
    for (const command of ['register', 'verify', 'unregister', 'list']) {
      const res = await glci(command, '--help');
      expect(res.exitCode).toBe(0);
      expect(res.stdout).toContain(`runner ${command}`);
    }
  });
});
