// A `!reference` tag as loaded: its raw data is kept until step 5 (after include and extends)
// replaces it with the referenced value. Validity is checked only then, as GitLab does, so an
// invalid tag that a later definition overrides is never an error. Spec §1.4.
import type { SourceLocation } from '../../model/config.js';
import { rubyInspect } from './ruby-inspect.js';

export type ReferenceState = 'pending' | 'resolving' | 'resolved' | 'failed';

export interface ReferenceData {
  /** Items of a tagged sequence (`!reference [a, b]`). */
  seq: unknown[] | null;
  /** Text of a tagged scalar (`!reference a`). */
  scalar: string | null;
  /** A tagged mapping (`!reference {a: b}`), keys as written. */
  map: Record<string, unknown> | null;
}

export class ReferenceTag {
  state: ReferenceState = 'pending';
  /** The referenced value once resolved. */
  value: unknown = undefined;
  /** Whether the referenced scalar is a YAML float. */
  float = false;
  /** The error met while resolving, reported again by every tag that depends on this one. */
  failure: { message: string; location: SourceLocation | null } | null = null;

  constructor(
    readonly data: ReferenceData,
    readonly location: SourceLocation | null,
  ) {}

  /** The key path, when the tag is a non-empty sequence of strings. */
  get path(): string[] | null {
    const seq = this.data.seq;
    if (!seq || seq.length === 0 || !seq.every((item) => typeof item === 'string')) return null;
    return seq as string[];
  }

  /** `!reference <data> is not valid`, data shown as Ruby's inspect. */
  invalidMessage(): string {
    const { scalar, map, seq } = this.data;
    let shown: unknown = seq;
    if (scalar !== null && scalar.trim() !== '') shown = scalar;
    else if (map !== null && Object.keys(map).length > 0) shown = map;
    return `!reference ${rubyInspect(shown)} is not valid`;
  }

  notFoundMessage(): string {
    return `!reference ${rubyInspect(this.data.seq)} could not be found`;
  }

  circularMessage(): string {
    return `!reference ${rubyInspect(this.data.seq)} is part of a circular chain`;
  }

  /** How the tag appears when Ruby prints it inside a string. */
  inspect(): string {
    return `!reference ${rubyInspect(this.data.seq ?? this.data.scalar ?? this.data.map)}`;
  }
}
