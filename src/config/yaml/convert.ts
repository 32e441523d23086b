// YAML AST → plain data with Psych's semantics (spec §1.1–1.4): plain scalars resolved by
// psych-scalar.ts, `<<` merge keys applied where they are written (keys before can be
// overwritten, keys after win; in `<<: [*a, *b]` earlier mappings win), duplicate keys last-wins
// with a warning, aliases shared, `!reference` kept as a ReferenceTag. Every mapping, sequence,
// key and item gets its location in the LocationTable. An optional string hook rewrites string
// keys and values (`$[[ inputs.x ]]` interpolation happens here, on the parsed tree).
import { isAlias, isMap, isPair, isScalar, isSeq, type Node as YamlNode, type Pair, type Scalar } from 'yaml';
import type { ConfigDiagnostic, SourceLocation } from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import type { LineIndex } from './documents.js';
import type { LocationTable } from './location-table.js';
import { assignKey, isMapping } from './mapping.js';
import { unknownAnchorMessage } from './psych-messages.js';
import { DisallowedScalarError, resolvePlainScalar, type PsychScalar } from './psych-scalar.js';
import { ReferenceTag } from './reference-tag.js';
import { rubyToS } from './ruby-inspect.js';

/** Result of the string hook: the replacement, and whether a sequence item should be spliced. */
export interface HookResult {
  value: unknown;
  float: boolean;
  splice: boolean;
}

/** Rewrites a string key or value; null keeps it. */
export type StringHook = (text: string, location: SourceLocation, role: 'key' | 'value' | 'item') => HookResult | null;

export interface ConvertContext {
  lines: LineIndex;
  /** Offset of the parsed piece in the file. */
  offset: number;
  /** The whole file text (to find a tag's own position). */
  text: string;
  table: LocationTable;
  errors: ConfigDiagnostic[];
  warnings: ConfigDiagnostic[];
  hook: StringHook | null;
  anchors: Map<string, unknown>;
  /** Keys from the root to the mapping being converted (for duplicate-key warnings). */
  path: string[];
}

/** GitLab's `max_yaml_depth`. */
const MAX_DEPTH = 100;
const STR_TAGS = new Set(['tag:yaml.org,2002:str', '!str']);
const REFERENCE = '!reference';

export function convertNode(node: YamlNode, ctx: ConvertContext): unknown {
  return convert(node, ctx, 1).value;
}

function convert(node: YamlNode | null, ctx: ConvertContext, depth: number): PsychScalar {
  if (node === null) return { value: null, float: false };
  if (depth > MAX_DEPTH) throw new DepthError(where(ctx, node));
  if (isAlias(node)) return aliasValue(node.source, node, ctx);
  let result: PsychScalar;
  if (isScalar(node)) result = scalarValue(node, ctx);
  else if (node.tag === REFERENCE) result = { value: referenceTag(node, ctx, depth), float: false };
  else if (isMap(node)) result = { value: mapping(node.items as Pair[], node, ctx, depth), float: false };
  else if (isSeq(node)) result = { value: sequence(node.items as YamlNode[], node, ctx, depth), float: false };
  else result = { value: null, float: false };
  if (node.anchor) ctx.anchors.set(node.anchor, result);
  return result;
}

export class DepthError extends Error {
  constructor(readonly location: SourceLocation) {
    super('The parsed YAML is too big');
  }
}

function aliasValue(name: string, node: YamlNode, ctx: ConvertContext): PsychScalar {
  const target = ctx.anchors.get(name) as PsychScalar | undefined;
  if (target) return target;
  ctx.errors.push({ severity: 'error', message: unknownAnchorMessage(name), location: where(ctx, node) });
  return { value: null, float: false };
}

function scalarValue(node: Scalar, ctx: ConvertContext): PsychScalar {
  const text = node.value === null || node.value === undefined ? '' : String(node.value);
  if (node.tag === REFERENCE) {
    return { value: new ReferenceTag({ seq: null, scalar: text, map: null }, tagLocation(node, ctx)), float: false };
  }
  if (node.type !== 'PLAIN' && node.tag === undefined) return { value: text, float: false };
  if (node.tag !== undefined && STR_TAGS.has(node.tag)) return { value: text, float: false };
  try {
    return resolvePlainScalar(text);
  } catch (error) {
    if (!(error instanceof DisallowedScalarError)) throw error;
    ctx.errors.push({ severity: 'error', message: error.message, location: where(ctx, node) });
    return { value: text, float: false };
  }
}

function referenceTag(node: YamlNode, ctx: ConvertContext, depth: number): ReferenceTag {
  const location = tagLocation(node, ctx);
  // Interpolation does not reach into tags (GitLab's interpolator only rewrites hashes, arrays, strings).
  const inner: ConvertContext = { ...ctx, hook: null };
  if (isSeq(node)) {
    const seq = (node.items as YamlNode[]).map((item) => convert(item, inner, depth + 1).value);
    return new ReferenceTag({ seq, scalar: null, map: null }, location);
  }
  const map: Record<string, unknown> = {};
  for (const pair of (isMap(node) ? node.items : []) as Pair[]) {
    assignKey(map, keyText(convert(pair.key as YamlNode | null, inner, depth + 1)), convert(pair.value as YamlNode | null, inner, depth + 1).value);
  }
  return new ReferenceTag({ seq: null, scalar: null, map }, location);
}

function mapping(pairs: Pair[], node: YamlNode, ctx: ConvertContext, depth: number): RawMapping {
  const out: RawMapping = {};
  ctx.table.setNode(out, ctx.lines, offsetOf(ctx, node));
  const written = new Set<string>();
  for (const pair of pairs) {
    if (!isPair(pair)) continue;
    const keyNode = pair.key as YamlNode | null;
    const keyOffset = offsetOf(ctx, keyNode ?? node);
    if (isMergeKey(keyNode)) {
      mergeInto(out, pair.value as YamlNode | null, keyOffset, ctx, depth);
      continue;
    }
    const converted = convert(keyNode, ctx, depth + 1);
    let key = keyText(converted);
    // deep_symbolize_keys leaves keys that are no strings (integers, booleans, nil) as they are.
    let nonStringKey = typeof converted.value !== 'string';
    const rewritten = ctx.hook?.(key, ctx.lines.at(keyOffset), 'key');
    if (rewritten) {
      key = rubyToS(rewritten.value, rewritten.float);
      nonStringKey = typeof rewritten.value !== 'string';
    }
    if (written.has(key)) duplicate(key, ctx.lines.at(keyOffset), ctx);
    written.add(key);
    ctx.path.push(key);
    const value = valueOf(pair.value as YamlNode | null, 'value', ctx, depth);
    ctx.path.pop();
    assignKey(out, key, value.value);
    ctx.table.setKeyOffset(out, key, keyOffset, value.float, nonStringKey);
  }
  return out;
}

function sequence(items: YamlNode[], node: YamlNode, ctx: ConvertContext, depth: number): unknown[] {
  const out: unknown[] = [];
  ctx.table.setNode(out, ctx.lines, offsetOf(ctx, node));
  for (const item of items) {
    const offset = item ? propsStart(ctx, item) : offsetOf(ctx, node);
    const value = valueOf(item, 'item', ctx, depth);
    if (value.splice && Array.isArray(value.value)) {
      for (let i = 0; i < value.value.length; i++) {
        ctx.table.setKeyOffset(out, out.length, offset, ctx.table.isFloat(value.value, i));
        out.push(value.value[i]);
      }
      continue;
    }
    ctx.table.setKeyOffset(out, out.length, offset, value.float);
    out.push(value.value);
  }
  return out;
}

/** Converts a value node and applies the string hook to string results. */
function valueOf(node: YamlNode | null, role: 'value' | 'item', ctx: ConvertContext, depth: number): HookResult {
  const converted = convert(node, ctx, depth + 1);
  if (ctx.hook && typeof converted.value === 'string' && node !== null) {
    const rewritten = ctx.hook(converted.value, where(ctx, node), role);
    if (rewritten) return rewritten;
  }
  return { ...converted, splice: false };
}

/** Psych's `revive_hash`: a `<<` key (unless tagged !!str) merges mappings at its position. */
function mergeInto(out: RawMapping, valueNode: YamlNode | null, keyOffset: number, ctx: ConvertContext, depth: number): void {
  const value = convert(valueNode, ctx, depth + 1).value;
  const sources = isSeq(valueNode) && Array.isArray(value) ? value : [value];
  if (!(isSeq(valueNode) || isMap(valueNode) || isAlias(valueNode)) || !sources.every(isMapping)) {
    // Psych keeps a `<<` whose value cannot be merged as an ordinary key.
    assignKey(out, '<<', value);
    ctx.table.setKeyOffset(out, '<<', keyOffset, false);
    return;
  }
  const merged: RawMapping = {};
  for (let i = sources.length - 1; i >= 0; i--) {
    const source = sources[i] as RawMapping;
    for (const key of Object.keys(source)) {
      assignKey(merged, key, source[key]);
      ctx.table.copyKey(source, key, merged, key);
    }
  }
  for (const key of Object.keys(merged)) {
    assignKey(out, key, merged[key]);
    ctx.table.copyKey(merged, key, out, key);
  }
}

function isMergeKey(node: YamlNode | null): boolean {
  return node !== null && isScalar(node) && node.value === '<<' && (node.tag === undefined || !STR_TAGS.has(node.tag));
}

function duplicate(key: string, location: SourceLocation, ctx: ConvertContext): void {
  const within = ctx.path.length > 0 ? `\`${ctx.path.join(':')}\`` : 'the top-level mapping';
  ctx.warnings.push({
    severity: 'warning',
    message: `duplicate key \`${key}\` in ${within}: the last one wins, as GitLab does`,
    location,
  });
}

/** Mapping keys become strings the way Ruby prints them (`1.10:` → "1.1", `true:` → "true"). */
function keyText(key: PsychScalar): string {
  if (typeof key.value === 'string') return key.value;
  if (key.value instanceof ReferenceTag) return key.value.inspect();
  return rubyToS(key.value, key.float);
}

function offsetOf(ctx: ConvertContext, node: YamlNode): number {
  return ctx.offset + (node.range?.[0] ?? 0);
}

function where(ctx: ConvertContext, node: YamlNode): SourceLocation {
  return ctx.lines.at(offsetOf(ctx, node));
}

/** Where a node's text starts, its tag and anchor included (the parser's range starts after them). */
function propsStart(ctx: ConvertContext, node: YamlNode): number {
  let start = offsetOf(ctx, node);
  if (node.tag === undefined && !node.anchor) return start;
  const text = ctx.text;
  for (;;) {
    let end = start;
    while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    let begin = end;
    while (begin > 0 && !/[\s[\]{},]/.test(text[begin - 1] ?? ' ')) begin--;
    const token = text.slice(begin, end);
    if (begin === end || !(token.startsWith('!') || token.startsWith('&'))) return start;
    start = begin;
  }
}

/** The position of the `!reference` text itself. */
function tagLocation(node: YamlNode, ctx: ConvertContext): SourceLocation {
  return ctx.lines.at(propsStart(ctx, node));
}

