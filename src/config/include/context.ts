// What include processing carries along: the context a file was read in (GitLab's
// External::Context, mutated for each included file) and the session shared by all files.
import type { ConfigDiagnostic, SourceLocation } from '../../model/config.js';
import type { SourceProject, SourceReader } from '../source-reader.js';
import type { LocationTable } from '../yaml/location-table.js';

export interface FileScope {
  /** null in remote and template files: no `local`, no components, no variables there. */
  project: SourceProject | null;
  /** The file's path inside `project` ('' without a project). */
  path: string;
  /** How the file is named in messages and locations. */
  display: string;
  /** Include-visible variables (spec §4.3); empty without a project. */
  variables: Readonly<Record<string, string>>;
  /** `$[[ component.* ]]` values when the file is a component template. */
  component: Readonly<Record<string, string>> | null;
}

/** GitLab's `ci_max_includes` default. */
export const MAX_INCLUDES = 150;
/** GitLab's budget for the whole expansion. */
export const EXPANSION_BUDGET_MS = 30_000;

/** A problem that stops include processing altogether (GitLab raises these immediately). */
export class IncludeAbort extends Error {
  constructor(message: string, readonly location: SourceLocation | null) {
    super(message);
  }
}

export class IncludeSession {
  readonly errors: ConfigDiagnostic[] = [];
  readonly warnings: ConfigDiagnostic[] = [];
  readonly hints: string[] = [];
  /** Display names of every file read, in order, each once. */
  readonly files: string[] = [];
  #included = 0;
  readonly #listings = new Map<string, Promise<string[] | null>>();

  constructor(
    readonly reader: SourceReader,
    readonly table: LocationTable,
    readonly maxIncludes: number,
    readonly deadline: number,
    readonly changedPaths: readonly string[] | null,
    readonly now: () => number,
  ) {}

  error(message: string, location: SourceLocation | null, hint?: string): void {
    this.errors.push({ severity: 'error', message, location });
    if (hint && !this.hints.includes(hint)) this.hints.push(hint);
  }

  fileRead(display: string): void {
    if (!this.files.includes(display)) this.files.push(display);
  }

  /** Counts one more included file (GitLab's Verifier checks before adding each file). */
  countInclude(location: SourceLocation | null): void {
    if (this.#included >= this.maxIncludes) {
      throw new IncludeAbort(`Maximum of ${this.maxIncludes} nested includes are allowed!`, location);
    }
    if (this.now() > this.deadline) throw new IncludeAbort('Resolving config took longer than expected', location);
    this.#included++;
  }

  /** Files of `project` below `directory`, listed once per session. */
  listFiles(project: SourceProject, directory: string): Promise<string[] | null> {
    const key = `${projectKey(project)}\u0000${directory}`;
    let listing = this.#listings.get(key);
    if (!listing) {
      listing = this.reader.listFiles(project, directory);
      this.#listings.set(key, listing);
    }
    return listing;
  }
}

export function projectKey(project: SourceProject | null): string {
  if (!project) return '-';
  if (project.kind === 'self') return 'self';
  if (project.kind === 'project') return `project:${project.path.toLowerCase()}@${project.ref ?? ''}`;
  return `component:${project.path.toLowerCase()}@${project.version}`;
}
