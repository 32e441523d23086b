// Collects file events into change sets: an editor's save (write, rename, chmod) or a `git checkout`
// is many events over a few milliseconds, and each set should cause one re-run, not one per event.
export interface Timers {
  /** Calls `fn` once after `ms`; returns what `clear` takes. */
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ChangeSetOptions {
  /** Quiet time after the last event before the set is emitted. */
  delayMs: number;
  /** Receives each set: distinct paths, sorted. */
  emit(paths: string[]): void;
  timers?: Timers;
}

/** A trailing debounce: every event restarts the quiet period, so a burst becomes one set. */
export class ChangeSetCollector {
  private readonly paths = new Set<string>();
  private timer: unknown = undefined;
  private closed = false;
  private readonly timers: Timers;

  constructor(private readonly options: ChangeSetOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** Records a changed path; ignored once closed. */
  add(path: string): void {
    if (this.closed) return;
    this.paths.add(path);
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.flush(), this.options.delayMs);
  }

  /** Emits what was collected now (nothing when empty). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (this.paths.size === 0) return;
    const paths = [...this.paths].sort();
    this.paths.clear();
    this.options.emit(paths);
  }

  /** Drops what was pending and stops the timer, so nothing keeps the process alive. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.paths.clear();
  }
}
