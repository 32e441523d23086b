// `glci run --shell-on-failure` end to end on a real pseudo-terminal (tmux, see terminal-session.ts): a
// failed job's environment is kept, a shell opens in it at the failure point (project dir, the job's
// variables, GITLAB_ENV, file variables, the files the job wrote; on docker its services too), the
// first Ctrl-C is the shell's, exiting the shell cleans everything up and glci ends with the job's
// status. Without a terminal the flag is refused up front (exit 2).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../src/executors/docker/client.js';
import { resolveEngineAddress } from '../../src/executors/docker/engine-address.js';
import { LABELS } from '../../src/executors/docker/labels.js';
import { ensureImage } from '../../fixtures/images/build.js';
import { createRunProject, describeRun, glciArgs, glciEnv, leftoverBuildDirs, runGlci, type RunProject } from './run-support.js';
import { ensureTmux, TerminalSession } from './terminal-session.js';

const SECRET = 's3cr3t-value-123';
/** One line typed into the debug shell: where it is, what it sees, what the job left. */
const PROBE = 'pwd; echo "v=$MY_VAR g=$GREETING f=$(cat "$CONFIG_FILE") s=$SECRET d=$CI_PROJECT_DIR"; ls';

let project: RunProject;
let terminal: TerminalSession | undefined;

beforeAll(async () => {
  await ensureTmux();
  project = await createRunProject('shell-on-failure');
}, 15 * 60_000);

afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

afterAll(() => project?.remove());

function startOnTerminal(args: string[], extra: { stdoutFile?: string } = {}): Promise<TerminalSession> {
  // bash as the user's shell, whatever the machine's SHELL is, so the prompt and `exit` behave alike.
  const env = { ...glciEnv(project), SHELL: existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh' };
  return TerminalSession.start({ argv: [process.execPath, ...glciArgs(project, args, {})], cwd: project.dir, env, scratchDir: project.scratchDir, ...extra });
}

/** The secret appears on screen only where the shell itself printed it (`s=<value>`): glci printed [MASKED]. */
function expectMaskedOutsideTheShell(screen: string): void {
  expect(screen).toContain('secret is [MASKED]');
  expect(screen.split(SECRET).length).toBe(screen.split(`s=${SECRET}`).length);
}

/** The shell does not read keys typed before it starts: wait until it answers a computed value. */
async function waitForShell(session: TerminalSession): Promise<void> {
  await session.type('echo ready-$((40 + 2))');
  await session.waitFor(/^ready-42$/m);
}

/** Ctrl-C during a command stops the command, not glci (no graceful cancel, the shell goes on). */
async function interruptCommand(session: TerminalSession): Promise<void> {
  await session.type('sleep 30');
  await new Promise((resolve) => setTimeout(resolve, 500));
  await session.press('C-c');
  await session.type('echo after-$((1 + 1))');
  await session.waitFor(/^after-2$/m, 10_000);
}

function expectTerminalRestored(session: TerminalSession): void {
  const settings = session.settingsAfterExit();
  expect(settings).toMatch(/(^|\s)icanon(\s|$)/);
  expect(settings).toMatch(/(^|\s)echo(\s|$)/);
}

describe('glci run --shell-on-failure without a terminal', () => {
  it('is refused up front with a usage error (exit 2) when stdin and stdout are pipes', async () => {
    const run = await runGlci(project, ['--shell-on-failure', '--executor', 'shell', 'fails']);
    expect(run.exitCode, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('--shell-on-failure needs an interactive terminal, but stdin and stdout are not a terminal');
    expect(run.stdout).not.toContain('Running pipeline');
    expect(existsSync(join(project.stateDir, 'builds'))).toBe(false);
  }, 30_000);

  it('is refused when only stdout is redirected', async () => {
    const stdoutFile = join(project.scratchDir, 'redirected.txt');
    terminal = await startOnTerminal(['--shell-on-failure', '--executor', 'shell', 'fails'], { stdoutFile });
    expect(await terminal.exitCode()).toBe(2);
    expect(await terminal.screen()).toContain('but stdout is not a terminal');
    expect(readFileSync(stdoutFile, 'utf8')).not.toContain('Running pipeline');
  }, 30_000);
});

describe('glci run --shell-on-failure on the shell executor', () => {
  it('opens no shell when the job passes', async () => {
    terminal = await startOnTerminal(['--shell-on-failure', '--executor', 'shell', 'passes']);
    expect(await terminal.exitCode()).toBe(0);
    const screen = await terminal.screen();
    expect(screen).toContain('fine-4');
    expect(screen).not.toContain('opening a shell');
  }, 30_000);

  it('opens a shell in the build copy with the job variables, and removes the copy when it exits', async () => {
    terminal = await startOnTerminal(['--shell-on-failure', '--executor', 'shell', 'fails']);
    await terminal.waitFor('Job fails failed (script_failure): opening a shell in its environment (shell); exit the shell to clean up and continue');
    await terminal.waitFor(/Interactive bash in \S+, with the job's variables/);
    await waitForShell(terminal);
    await terminal.type(PROBE);
    const screen = await terminal.waitFor(/^evidence\.txt$/m);
    const dir = new RegExp(`^(${project.stateDir}/builds/\\S+)$`, 'm').exec(screen)?.[1] ?? '';
    expect(dir, screen).not.toBe('');
    expect(screen).toContain(`v=from-the-yaml g=from-gitlab-env f=file-content-42 s=${SECRET} d=${dir}`);
    // The environment is really kept: the file the failing script wrote is on disk while the shell is open.
    expect(readFileSync(join(dir, 'evidence.txt'), 'utf8')).toBe('left by the job\n');

    await interruptCommand(terminal);
    await terminal.type('exit');
    expect(await terminal.exitCode()).toBe(1);
    const end = await terminal.screen();
    expect(end).toContain('Shell of job fails exited with code 0: cleaning up its environment');
    expect(end).toContain('ERROR: Job failed: exit code 3');
    expect(end).not.toContain('Stopping jobs gracefully');
    expectMaskedOutsideTheShell(end);
    expectTerminalRestored(terminal);
    expect(leftoverBuildDirs(project.stateDir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});

describe('glci run --shell-on-failure on the docker executor', () => {
  const client = createDockerClient(resolveEngineAddress({ env: process.env }));
  let images: string[] = [];

  beforeAll(async () => {
    const [busybox, web] = await Promise.all([ensureImage('busybox'), ensureImage('busybox-web')]);
    images = ['--variable', `IMG=${busybox}`, '--variable', `WEB=${web}`];
  }, 30 * 60_000);

  const filter = () => [`${LABELS.projectDir}=${project.dir}`];

  it('opens a shell in the build container with its services up, resized with the terminal, and removes everything when it exits', async () => {
    terminal = await startOnTerminal(['--shell-on-failure', '--executor', 'docker', ...images, 'fails-in-docker']);
    await terminal.waitFor('Job fails-in-docker failed (script_failure): opening a shell in its environment (docker)', 60_000);
    await terminal.waitFor(/Interactive shell of the build container in \/builds\/\S+, with the job's variables/);
    await waitForShell(terminal);
    await terminal.type(`${PROBE}; wget -qO- http://web:8080/; stty size`);
    const screen = await terminal.waitFor(/^50 160$/m);
    const dir = /^(\/builds\/\S+)$/m.exec(screen)?.[1] ?? '';
    expect(dir, screen).not.toBe('');
    expect(screen).toContain(`v=from-the-yaml g=from-gitlab-env f=file-content-42 s=${SECRET} d=${dir}`);
    expect(screen).toMatch(/^evidence\.txt$/m);
    expect(screen).toMatch(/^service-42$/m); // the service is still up and reachable by its alias
    const running = await client.listContainers(filter());
    expect(running.map((c) => c.labels[LABELS.type]).sort()).toEqual(['build', 'service']);

    // SIGWINCH → exec resize: the container's TTY follows the terminal.
    await terminal.resize(120, 40);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await terminal.type('stty size');
    await terminal.waitFor(/^40 120$/m);

    await interruptCommand(terminal);
    await terminal.type('exit 4');
    expect(await terminal.exitCode(90_000)).toBe(1);
    const end = await terminal.screen();
    expect(end).toContain('Shell of job fails-in-docker exited with code 4: cleaning up its environment');
    expect(end).toContain('ERROR: Job failed: exit code 3');
    expect(end).not.toContain('Stopping jobs gracefully');
    expectMaskedOutsideTheShell(end);
    expectTerminalRestored(terminal);
    const [containers, networks, volumes] = await Promise.all([client.listContainers(filter()), client.listNetworks(filter()), client.listVolumes(filter())]);
    expect([...containers, ...networks, ...volumes.filter((v) => v.labels[LABELS.reusable] !== 'true')]).toEqual([]);
  }, 180_000);
});
