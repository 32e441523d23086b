// The live view end to end on a real pseudo-terminal (tmux, see terminal-session.ts): `glci run` on a
// terminal draws jobs by stage while they run and leaves in the scrollback each job once with its final
// status, then the summary, and no redrawn frame; q cancels gracefully like Ctrl-C; the terminal is
// given back (raw mode off). Pipes, --no-tui and CI=true get the plain reporter.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunProject, describeRun, glciArgs, glciEnv, runGlci, type RunProject } from './run-support.js';
import { ensureTmux, TerminalSession } from './terminal-session.js';

let project: RunProject;
let terminal: TerminalSession | undefined;

beforeAll(async () => {
  await ensureTmux();
  project = await createRunProject('live-view');
}, 15 * 60_000);

afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});

afterAll(() => project?.remove());

function startOnTerminal(args: string[], env: Record<string, string> = {}): Promise<TerminalSession> {
  const base: Record<string, string> = { ...glciEnv(project), ...env };
  delete base.NO_COLOR;
  return TerminalSession.start({ argv: [process.execPath, ...glciArgs(project, ['--executor', 'shell', ...args], {})], cwd: project.dir, env: base, scratchDir: project.scratchDir, columns: 120, rows: 40 });
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

const FINAL_LINES = [
  '▶ build › approve manual: manual job, not played',
  '✓ build › compile passed in',
  '✗ test › unit failed in',
  '! test › lint failed (allowed) in',
  '○ deploy › ship skipped: a job in an earlier stage failed',
  'Pipeline failed in',
];

describe('glci run on a terminal', () => {
  it('shows running jobs live, then each job once with its final status and the summary, without escape garbage', async () => {
    terminal = await startOnTerminal(['--variable', 'PAUSE=2']);
    const during = await terminal.waitFor(/compile {2}running/);
    expect(during).toContain('unit  waiting for earlier stages: build');
    await terminal.waitFor('│ green-21');
    expect(await terminal.exitCode()).toBe(1);
    const screen = await terminal.screen();
    for (const line of FINAL_LINES) expect(count(screen, line), `${line}\n${screen}`).toBe(1);
    expect(screen).toMatch(/unit +test +failed +\S+ +script_failure, exit code 3/);
    expect(screen).toContain(': exit code 3, script_failure');
    // Nothing of the redrawn part is left: no running line, no waiting line, no key help, no preview.
    expect(screen).not.toMatch(/running|waiting for|↑\/↓|│/);
    expect(screen).not.toContain('\x1b[');
    expect(screen).not.toMatch(/\[\d*(;\d+)*[mKJHA-D]/);
    expect(count(screen, 'Running pipeline: 5 jobs in 3 stages with the shell executor')).toBe(1);
    const settings = terminal.settingsAfterExit();
    expect(settings).toMatch(/(^|\s)icanon(\s|$)/);
    expect(settings).toMatch(/(^|\s)echo(\s|$)/);
  }, 60_000);

  // In raw mode the terminal sends Ctrl-C as a key, not as SIGINT: the view turns both keys into the interrupt.
  it.each(['q', 'C-c'])('%s cancels gracefully (exit 130), as the first SIGINT does', async (key) => {
    terminal = await startOnTerminal(['--variable', 'PAUSE=30']);
    await terminal.waitFor(/compile {2}running/);
    await terminal.press(key);
    await terminal.waitFor('Stopping jobs gracefully');
    expect(await terminal.exitCode()).toBe(130);
    const screen = await terminal.screen();
    expect(screen).toMatch(/⊘ build › compile canceled/);
    expect(screen).toContain('Pipeline canceled in');
    expect(screen).not.toMatch(/running|waiting for/);
    expect(terminal.settingsAfterExit()).toMatch(/(^|\s)icanon(\s|$)/);
  }, 60_000);

  it('prints plain prefixed lines with --no-tui and with CI=true', async () => {
    for (const [args, env] of [[['--no-tui'], {}], [[], { CI: 'true' }]] as const) {
      terminal = await startOnTerminal([...args, '--variable', 'PAUSE=0'], env);
      expect(await terminal.exitCode()).toBe(1);
      const screen = await terminal.screen();
      expect(screen, `${JSON.stringify(args)}\n${screen}`).toMatch(/^compile +\| compiled-4$/m);
      expect(screen).not.toContain('›');
      await terminal.close();
      terminal = undefined;
    }
  }, 60_000);
});

describe('glci run into a pipe', () => {
  it('uses the plain reporter', async () => {
    const run = await runGlci(project, ['--executor', 'shell', '--variable', 'PAUSE=0']);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stdout).toMatch(/^compile +\| compiled-4$/m);
    expect(run.stdout).not.toContain('›');
  }, 30_000);
});
