// The hand-off between the two halves of config/: resolution (YAML, include, extends, !reference →
// one merged mapping) and composition (validation, default:, normalisation → PipelineConfig).
import type { ConfigDiagnostic, SourceLocation } from '../model/config.js';

export type RawMapping = Record<string, unknown>;

/**
 * Where parsed nodes came from. Mappings and sequences are tracked by object identity, so every
 * transformation that builds new objects (deep merge, extends, !reference) must carry locations over.
 */
export interface LocationIndex {
  /** Location of a mapping/sequence node itself, or of one of its keys / items when `key` is given. */
  locate(node: object, key?: string | number): SourceLocation | null;
  /** Whether the scalar at `node[key]` was a YAML float (`1.0`), which Ruby prints as "1.0", not "1". */
  isFloat?(node: object, key: string | number): boolean;
  /** Whether the key `key` of `node` was not a string in YAML (`10:`, `true:`, `~:`); Ruby keeps it so. */
  isNonStringKey?(node: object, key: string | number): boolean;
}

/** Steps 1–5 of GitLab's processing order done: includes merged, extends applied, !reference resolved. */
export interface ResolvedRawConfig {
  /** The merged root mapping (includes, extends and !reference applied; `include` key removed). */
  root: RawMapping;
  locations: LocationIndex;
  /** The root config file, relative to the project directory, as shown in messages. */
  rootFile: string;
  /** Every file read, the root first. */
  files: string[];
  /** Non-fatal findings so far (duplicate keys, ...). */
  warnings: ConfigDiagnostic[];
}
