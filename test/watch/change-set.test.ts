// The debounce of `glci run --watch`: a burst of events is one change set, emitted after the quiet
// period, with distinct sorted paths; nothing is emitted after close. Timers are a fake, so no test
// depends on the wall clock.
import { describe, expect, it } from 'vitest';
import { ChangeSetCollector, type Timers } from '../../src/watch/change-set.js';

class FakeTimers implements Timers {
  private next = 0;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();

  set(fn: () => void, ms: number): unknown {
    this.next += 1;
    this.pending.set(this.next, { fn, ms });
    return this.next;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Runs the timers that are due (all pending ones: time is whatever the test says). */
  fire(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.fn();
  }
}

function collector() {
  const timers = new FakeTimers();
  const sets: string[][] = [];
  const changes = new ChangeSetCollector({ delayMs: 200, emit: (paths) => sets.push(paths), timers });
  return { timers, sets, changes };
}

describe('ChangeSetCollector', () => {
  it('merges a burst into one set of distinct, sorted paths once the quiet period ends', () => {
    const { timers, sets, changes } = collector();
    changes.add('src/b.ts');
    changes.add('src/a.ts');
    changes.add('src/b.ts');
    expect(sets).toEqual([]);
    // Each event restarted the period: only one timer is armed, for the configured delay.
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([200]);
    timers.fire();
    expect(sets).toEqual([['src/a.ts', 'src/b.ts']]);
  });

  it('starts a new set after one was emitted', () => {
    const { timers, sets, changes } = collector();
    changes.add('a');
    timers.fire();
    changes.add('b');
    timers.fire();
    expect(sets).toEqual([['a'], ['b']]);
  });

  it('emits nothing for an empty flush, and nothing once closed', () => {
    const { timers, sets, changes } = collector();
    changes.flush();
    changes.add('a');
    changes.close();
    expect(timers.pending.size).toBe(0);
    changes.add('b');
    timers.fire();
    changes.flush();
    expect(sets).toEqual([]);
  });
});
