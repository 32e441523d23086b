// Step 1 of GitLab's processing for one file (spec §0.1, §1.1): size check, BOM, header/content
// split, parse. The content is converted on demand so that the caller can first evaluate the
// header's `spec:inputs` and pass the interpolation hook in.
import type { ConfigDiagnostic, SourceLocation } from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import { convertNode, DepthError, type ConvertContext, type StringHook } from './convert.js';
import { LineIndex, splitDocuments, type ParsedPiece } from './documents.js';
import type { LocationTable } from './location-table.js';
import { isMapping } from './mapping.js';

export interface LoadedYaml {
  /** Load errors (syntax, size, disallowed scalars); content() may add more. */
  errors: ConfigDiagnostic[];
  /** Duplicate keys and similar findings. */
  warnings: ConfigDiagnostic[];
  /** No document has content (blank file or only comments). */
  blank: boolean;
  /** The `spec:` header, converted (null without a header). */
  header: RawMapping | null;
  /** Where the content document starts. */
  contentLocation: SourceLocation | null;
  /** Converts the content document, rewriting strings with `hook`. */
  content(hook: StringHook | null): unknown;
}

/** GitLab's default `max_yaml_size_bytes` (2 MiB since 17.3). */
export const MAX_YAML_BYTES = 2 * 1024 * 1024;

export function loadYaml(source: string, file: string, table: LocationTable): LoadedYaml {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const lines = new LineIndex(file, text);
  const errors: ConfigDiagnostic[] = [];
  const warnings: ConfigDiagnostic[] = [];
  const fail = (message: string, location: SourceLocation | null): LoadedYaml => {
    errors.push({ severity: 'error', message, location });
    return { errors, warnings, blank: false, header: null, contentLocation: null, content: () => null };
  };
  if (text.length * 3 > MAX_YAML_BYTES && Buffer.byteLength(text, 'utf8') > MAX_YAML_BYTES) {
    return fail('The provided YAML is too big', lines.at(0));
  }
  const split = splitDocuments(text, lines);
  if (split.errors.length > 0) {
    errors.push(...split.errors);
    return { errors, warnings, blank: false, header: null, contentLocation: null, content: () => null };
  }
  const context = (piece: ParsedPiece, hook: StringHook | null): ConvertContext => ({
    lines,
    offset: piece.offset,
    text,
    table,
    errors,
    warnings,
    hook,
    anchors: new Map(),
    path: [],
  });
  const convert = (piece: ParsedPiece, hook: StringHook | null): unknown => {
    try {
      return convertNode(piece.node, context(piece, hook));
    } catch (error) {
      if (!(error instanceof DepthError)) throw error;
      errors.push({ severity: 'error', message: error.message, location: error.location });
      return null;
    }
  };
  const headerPiece = split.header;
  const header = headerPiece ? convert(headerPiece, null) : null;
  const contentPiece = split.content;
  return {
    errors,
    warnings,
    blank: contentPiece === null,
    header: isMapping(header) ? header : null,
    contentLocation: contentPiece ? lines.at(contentPiece.offset + (contentPiece.node.range?.[0] ?? 0)) : null,
    content: (hook) => (contentPiece ? convert(contentPiece, hook) : null),
  };
}
