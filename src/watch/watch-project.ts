// The project's files as a stream of change sets: chokidar for the events (imported here only, and
// lazily, so commands that never watch do not load it: DESIGN.md habit 10), ChangeSetCollector for the
// debounce, and git for what is ignored, both before watching (whole ignored folders such as
// node_modules are never scanned) and again before a set is emitted (ignore rules may have changed).
import { ignoredAmong, listIgnoredEntries } from '../platform/ignored-paths.js';
import { ChangeSetCollector } from './change-set.js';
import { createIgnoreRules } from './ignore-rules.js';

/** Long enough to merge an editor's save or a checkout into one set, short enough to feel immediate. */
export const DEFAULT_DEBOUNCE_MS = 200;

export interface ProjectWatchOptions {
  /** Absolute project directory; reported paths are relative to it with `/` separators. */
  projectDir: string;
  /** Absolute directories whose changes are never reported (glci's state directory). */
  excludeDirs: readonly string[];
  debounceMs?: number;
  /** One call per change set: distinct paths, sorted, none of them ignored by git. */
  onChanges(paths: string[]): void;
  /** The watcher failed (e.g. out of inotify watches); it keeps running for what it still sees. */
  onError(error: Error): void;
}

export interface ProjectWatch {
  /** Stops watching and drops pending events; nothing is emitted after it resolves. */
  close(): Promise<void>;
}

const FILE_EVENTS = new Set(['add', 'change', 'unlink']);

/** Resolves once the initial scan is done, so any change made afterwards is reported. */
export async function watchProject(options: ProjectWatchOptions): Promise<ProjectWatch> {
  const rules = createIgnoreRules({
    projectDir: options.projectDir,
    ignoredEntries: await listIgnoredEntries(options.projectDir),
    excludeDirs: options.excludeDirs,
  });
  let closed = false;
  // Sets are filtered asynchronously; chaining keeps them in the order they were collected.
  let emitting = Promise.resolve();
  const collector = new ChangeSetCollector({
    delayMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    emit: (paths) => {
      emitting = emitting.then(async () => {
        const ignored = await ignoredAmong(options.projectDir, paths);
        const kept = paths.filter((p) => !ignored.has(p));
        if (!closed && kept.length > 0) options.onChanges(kept);
      });
    },
  });
  const { watch } = await import('chokidar');
  const watcher = watch(options.projectDir, {
    ignored: (path) => rules.ignores(path),
    ignoreInitial: true,
    // A symlink to a folder outside the project (or to `/`) must not be watched as project files.
    followSymlinks: false,
  });
  watcher.on('all', (event, path) => {
    if (!FILE_EVENTS.has(event)) return;
    const rel = rules.relativePath(path);
    if (rel !== null && rel !== '') collector.add(rel);
  });
  watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    close: async () => {
      closed = true;
      collector.close();
      await watcher.close();
      await emitting;
    },
  };
}
