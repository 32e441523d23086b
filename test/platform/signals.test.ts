// Ctrl-C handling (src/platform/signals.ts): the first SIGINT/SIGTERM is graceful, the second forces,
// and while an interactive shell owns the terminal SIGINT is the shell's: it neither cancels nor counts.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { listenForInterrupts, onInterrupt } from '../../src/platform/signals.js';

function fakeProcess(): NodeJS.Process & { send(signal: NodeJS.Signals): void } {
  const emitter = new EventEmitter();
  return Object.assign(emitter, { send: (signal: NodeJS.Signals) => emitter.emit(signal, signal) }) as unknown as NodeJS.Process & { send(signal: NodeJS.Signals): void };
}

describe('onInterrupt', () => {
  it('is graceful first, then forces', () => {
    const proc = fakeProcess();
    const seen: string[] = [];
    onInterrupt({ graceful: () => seen.push('graceful'), force: () => seen.push('force') }, proc);
    proc.send('SIGINT');
    proc.send('SIGTERM');
    expect(seen).toEqual(['graceful', 'force']);
  });

  it('ignores SIGINT while asked to (a debug shell is open), but not SIGTERM', () => {
    const proc = fakeProcess();
    const seen: string[] = [];
    let shellOpen = true;
    onInterrupt({ graceful: () => seen.push('graceful'), force: () => seen.push('force'), ignoreSigint: () => shellOpen }, proc);
    proc.send('SIGINT');
    proc.send('SIGINT');
    expect(seen).toEqual([]);
    proc.send('SIGTERM');
    expect(seen).toEqual(['graceful']);
    shellOpen = false;
    proc.send('SIGINT');
    expect(seen).toEqual(['graceful', 'force']);
  });

  it('removes its handlers', () => {
    const proc = fakeProcess();
    const stop = onInterrupt({ graceful: () => undefined, force: () => undefined }, proc);
    expect(proc.listenerCount('SIGINT')).toBe(1);
    stop();
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('listenForInterrupts', () => {
  it('counts a key-press interrupt (the live view) with the signals: the second one forces', () => {
    const proc = fakeProcess();
    const seen: string[] = [];
    const listener = listenForInterrupts({ graceful: () => seen.push('graceful'), force: () => seen.push('force') }, proc);
    listener.interrupt();
    proc.send('SIGINT');
    expect(seen).toEqual(['graceful', 'force']);
    listener.stop();
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
});
