// The port through which config/ reads files for `include` (spec §4.2). The core does no I/O: the
// real implementation (fs, git, HTTPS, GitLab API) lives in platform/source-reader.ts, tests use
// an in-memory one. Results are data, never exceptions, so every failure maps to GitLab's message.

/** A repository files are read from. */
export type SourceProject =
  /** The project being run: its working tree. */
  | { kind: 'self' }
  /** `include:project` (path as written, compared case-insensitively); ref null = the project's HEAD. */
  | { kind: 'project'; path: string; ref: string | null }
  /** A CI/CD component project `<fqdn>/<project path>` at `version` (as written: tag, branch, SHA, ~latest). */
  | { kind: 'component'; path: string; version: string };

export type FileResult =
  /**
   * `origin` is how the file is named in messages (a path, a URL); defaults to the path asked for.
   * `resolved`: the release a component version (`~latest`, `1`, `1.2`) was resolved to.
   */
  | { status: 'ok'; content: string; origin?: string; resolved?: { version: string; sha: string } }
  | { status: 'missing-file'; hint?: string }
  | { status: 'missing-project'; hint?: string }
  | { status: 'missing-ref' }
  /** A component's `~latest`: the project has no released semantic version. */
  | { status: 'no-release' }
  /** The source could not be reached (network, permissions); `message` says why. */
  | { status: 'unavailable'; message: string; hint?: string }
  /** Offline, and the file was never fetched: `message` says what to fetch. */
  | { status: 'not-cached'; message: string };

export type RemoteResult =
  | { status: 'ok'; content: string }
  | { status: 'timeout'; hint?: string }
  | { status: 'socket'; message?: string; hint?: string }
  | { status: 'http-error'; message?: string }
  | { status: 'http-status'; code: number }
  | { status: 'not-cached'; message: string };

export interface SourceReader {
  /** A file of `project` at `path` (relative to the repository root, no leading slash). */
  readFile(project: SourceProject, path: string): Promise<FileResult>;
  /**
   * Every file below `directory` ('' = the whole repository), recursively, as paths relative to the
   * repository root; null when the project cannot be read.
   */
  listFiles(project: SourceProject, directory: string): Promise<string[] | null>;
  /** HTTP(S) GET of an `include:remote` URL. */
  fetchRemote(url: string): Promise<RemoteResult>;
  /** A file of GitLab's template collection, e.g. `Jobs/SAST.gitlab-ci.yml`. */
  readTemplate(name: string): Promise<FileResult>;
}
