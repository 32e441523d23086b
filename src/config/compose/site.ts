// Where a configuration value sits, and how problems about it are worded and located.
// GitLab words entry-tree errors as `<location> <attribute> <message>` and lower-cases the whole
// text (lib/gitlab/config/entry/validator.rb); logical errors keep their case (yaml_processor.rb).
import type { ConfigDiagnostic, SourceLocation } from '../../model/config.js';
import type { LocationIndex } from '../raw.js';

/** Collects every problem found while composing (CI Lint lists them all). */
export class Problems {
  readonly errors: ConfigDiagnostic[] = [];
  readonly warnings: ConfigDiagnostic[] = [];

  constructor(
    readonly locations: LocationIndex,
    /** Used when nothing better is known: the root file. */
    readonly fileLocation: SourceLocation,
  ) {}

  error(message: string, location: SourceLocation | null): void {
    this.errors.push({ severity: 'error', message, location });
  }

  warn(message: string, location: SourceLocation | null): void {
    this.warnings.push({ severity: 'warning', message, location });
  }

  /** The location of `holder[key]` (of `holder` itself without a key), else `fallback`. */
  locate(holder: object | undefined, key: string | number | undefined, fallback: SourceLocation): SourceLocation {
    if (holder === undefined) return fallback;
    const found = key !== undefined ? this.locations.locate(holder, key) : this.locations.locate(holder);
    return found ?? fallback;
  }
}

/** Appends a hint after GitLab's own text so that the GitLab wording stays searchable. */
export function withHint(message: string, hint: string | undefined): string {
  return hint ? `${message} (${hint})` : message;
}

/**
 * One value of the configuration: its GitLab location path (`jobs:build:cache`), the node that
 * holds it (mapping or sequence) and its key there. Locations are resolved only when reporting.
 */
export class Site {
  constructor(
    readonly problems: Problems,
    readonly path: string,
    readonly value: unknown,
    readonly holder: object | undefined,
    readonly key: string | number | undefined,
    /** The enclosing value: its location is used when this one has none (then the file's). */
    readonly parent: Site | null,
  ) {}

  /** The value under `key` of this site's mapping; `segment` overrides the path segment. */
  at(key: string, segment: string = key): Site {
    const holder = isObject(this.value) ? this.value : undefined;
    const value = holder ? (holder as Record<string, unknown>)[key] : undefined;
    return new Site(this.problems, `${this.path}:${segment}`, value, holder, key, this);
  }

  /** Item `index` of this site's sequence; GitLab names items by entry type (`rule`, `need`...). */
  item(index: number, value: unknown, segment: string | null): Site {
    const holder = Array.isArray(this.value) ? this.value : undefined;
    const path = segment === null ? this.path : `${this.path}:${segment}`;
    return new Site(this.problems, path, value, holder, index, this);
  }

  /** This value seen under a different location path (same node). */
  as(path: string): Site {
    return new Site(this.problems, path, this.value, this.holder, this.key, this.parent);
  }

  /** Another value reported at this site's place (items of flattened nested lists). */
  view(path: string, value: unknown): Site {
    return new Site(this.problems, path, value, this.holder, this.key, this);
  }

  /** Where the value is written, else the closest enclosing value that has a location. */
  location(): SourceLocation {
    const fallback = (): SourceLocation => this.parent?.location() ?? this.problems.fileLocation;
    if (this.holder === undefined) return fallback();
    const locations = this.problems.locations;
    const found = this.key !== undefined ? locations.locate(this.holder, this.key) : locations.locate(this.holder);
    return found ?? fallback();
  }

  /** `<path> config <message>` at this value. */
  config(message: string, hint?: string): void {
    this.problems.error(withHint(`${this.path} config ${message}`.toLowerCase(), hint), this.location());
  }

  /** `<path> <attribute> <message>` located at the attribute's key when it is written. */
  attr(attribute: string, message: string, hint?: string): void {
    const words = attribute.replace(/_/g, ' ');
    this.problems.error(withHint(`${this.path} ${words} ${message}`.toLowerCase(), hint), this.at(attribute).location());
  }

  /** A message written verbatim (logical errors, inherit errors), located at this value. */
  verbatim(message: string, hint?: string): void {
    this.problems.error(withHint(message, hint), this.location());
  }

  warn(message: string): void {
    this.problems.warn(message, this.location());
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
