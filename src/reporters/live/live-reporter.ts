// The live terminal reporter: events go through the reducer at once (cheap, bounded), frames are drawn
// at most FPS times a second by our own timer, so a job printing megabytes per second costs one ink
// render per frame, not one per chunk. The timer also moves spinners, elapsed times and countdowns.
// Imported lazily by app/ (`await import(...)`), so commands other than `run` never load ink or react.
import { render, type Instance } from 'ink';
import { createElement } from 'react';
import type { PipelineEvent } from '../../model/events.js';
import type { Reporter } from '../reporter.js';
import { type KeyAction, type UiState, nextUi } from './layout.js';
import { type LiveState, addNotice, initialState, reduce } from './state.js';
import { View } from './view.js';

/** Frames per second at most (spinners need about ten). */
const FPS = 10;

export interface LiveReporterOptions {
  /** The terminal (columns, rows, resize events). */
  stdout: NodeJS.WriteStream;
  /** Keys come from here when it is a terminal. */
  stdin: NodeJS.ReadStream;
  color: boolean;
  /** q or Ctrl-C: the same as SIGINT (first graceful, second forced), counted with the signals. */
  onInterrupt(): void;
  /** Clock for elapsed times (tests pass a fake). */
  now?: () => number;
  /** Draw frames from a timer (default); tests draw with `refresh()` instead. */
  timer?: boolean;
}

export interface LiveReporter extends Reporter {
  /** A message for the user, printed above the live rows so it never breaks a frame. */
  notice(text: string): void;
  /** Draws a frame now. */
  refresh(): void;
  /** Draws the last frame and gives the terminal back (raw mode off); idempotent. */
  close(): Promise<void>;
  /** The reducer's state (tests). */
  readonly state: LiveState;
}

export function createLiveReporter(options: LiveReporterOptions): LiveReporter {
  const now = options.now ?? Date.now;
  let state: LiveState = initialState;
  let ui: UiState = {};
  let instance: Instance | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let closed = false;

  const element = () =>
    createElement(View, {
      state,
      ui,
      now: now(),
      rows: options.stdout.rows || 24,
      color: options.color,
      onKey: (action: KeyAction) => {
        ui = nextUi(ui, state, action);
        draw();
      },
      onInterrupt: options.onInterrupt,
    });
  const draw = () => {
    if (closed) return;
    if (instance) instance.rerender(element());
    else instance = render(element(), { stdout: options.stdout, stdin: options.stdin, exitOnCtrlC: false, patchConsole: false, maxFps: FPS });
  };
  const onEvent = (event: PipelineEvent) => {
    state = reduce(state, event, now());
    if (ui.selected && state.jobs[ui.selected]?.phase === 'ended' && ui.following !== ui.selected) ui = {};
    if (event.type === 'pipeline_start') {
      draw();
      if (options.timer !== false) ticker = setInterval(draw, 1000 / FPS);
      ticker?.unref();
    }
  };
  return {
    get state() {
      return state;
    },
    ...everyHook(onEvent),
    notice(text) {
      state = addNotice(state, text.replace(/^\n+|\n+$/g, ''));
      draw();
    },
    refresh: draw,
    async close() {
      if (closed) return;
      if (ticker) clearInterval(ticker);
      // Never drawn (the run failed before it started): nothing to take down, and raw mode was never on.
      if (instance) draw();
      closed = true;
      instance?.unmount();
      await instance?.waitUntilExit();
    },
  };
}

function everyHook(onEvent: (event: PipelineEvent) => void): Required<Reporter> {
  return {
    onPipelineStart: onEvent,
    onJobQueued: onEvent,
    onJobScheduled: onEvent,
    onJobStart: onEvent,
    onJobOutput: onEvent,
    onJobProgress: onEvent,
    onJobEnd: onEvent,
    onPipelineEnd: onEvent,
  };
}
