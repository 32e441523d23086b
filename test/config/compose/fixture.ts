// Test input builder: YAML text → ResolvedRawConfig with a LocationIndex of its own, so these
// tests do not depend on the resolution half's loader.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ConfigDiagnostic, PipelineConfig, SourceLocation } from '../../../src/model/config.js';
import type { LocationIndex, ResolvedRawConfig } from '../../../src/config/raw.js';
import { composePipelineConfig } from '../../../src/config/compose/index.js';
import { ConfigError } from '../../../src/errors.js';

export const FILE = '.gitlab-ci.yml';

class TestLocations implements LocationIndex {
  readonly nodes = new WeakMap<object, SourceLocation>();
  readonly keys = new WeakMap<object, Map<string | number, SourceLocation>>();
  readonly floats = new WeakMap<object, Set<string | number>>();
  readonly nonStringKeys = new WeakMap<object, Set<string | number>>();

  locate(node: object, key?: string | number): SourceLocation | null {
    if (key === undefined) return this.nodes.get(node) ?? null;
    return this.keys.get(node)?.get(key) ?? null;
  }

  isFloat(node: object, key: string | number): boolean {
    return this.floats.get(node)?.has(key) ?? false;
  }

  isNonStringKey(node: object, key: string | number): boolean {
    return this.nonStringKeys.get(node)?.has(key) ?? false;
  }

  /** `1.0` and `1.5e3` are floats in YAML; the parsed number cannot tell `1.0` from `1`. */
  noteScalar(node: object, key: string | number, scalar: unknown): void {
    if (!isScalar(scalar) || typeof scalar.value !== 'number') return;
    if (!/^[-+]?(\d[\d_]*)?\.\d*([eE][-+]?\d+)?$/.test(scalar.source ?? '')) return;
    const set = this.floats.get(node) ?? new Set();
    set.add(key);
    this.floats.set(node, set);
  }
}

export function resolved(text: string): ResolvedRawConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, version: '1.1' });
  if (doc.errors.length > 0) throw doc.errors[0];
  const locations = new TestLocations();
  const at = (offset: number): SourceLocation => {
    const { line, col } = lines.linePos(offset);
    return { file: FILE, line, column: col };
  };
  const convert = (node: unknown): unknown => {
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string | number, SourceLocation>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node;
        const key = String(isScalar(keyNode) ? keyNode.value : keyNode);
        out[key] = convert(pair.value);
        locations.noteScalar(out, key, pair.value);
        if (isScalar(keyNode) && typeof keyNode.value !== 'string') {
          const set = locations.nonStringKeys.get(out) ?? new Set();
          set.add(key);
          locations.nonStringKeys.set(out, set);
        }
        if (keyNode.range) keys.set(key, at(keyNode.range[0]));
      }
      locations.keys.set(out, keys);
      if (node.range) locations.nodes.set(out, at(node.range[0]));
      return out;
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const keys = new Map<string | number, SourceLocation>();
      node.items.forEach((item, index) => {
        out.push(convert(item));
        locations.noteScalar(out, index, item);
        const range = (item as Node | null)?.range;
        if (range) keys.set(index, at(range[0]));
      });
      locations.keys.set(out, keys);
      if (node.range) locations.nodes.set(out, at(node.range[0]));
      return out;
    }
    if (isScalar(node)) return node.value;
    return null;
  };
  const root = convert(doc.contents) as Record<string, unknown>;
  return { root, locations, rootFile: FILE, files: [FILE], warnings: [] };
}

export function compose(text: string): PipelineConfig {
  return composePipelineConfig(resolved(text));
}

/** The error diagnostics of an invalid configuration (fails the test when it is valid). */
export function problems(text: string): ConfigDiagnostic[] {
  try {
    compose(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.diagnostics.filter((d) => d.severity === 'error');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

export function messages(text: string): string[] {
  return problems(text).map((d) => d.message);
}

/** `line:column: message` of each error, to check locations and text together. */
export function located(text: string): string[] {
  return problems(text).map((d) => `${d.location?.line}:${d.location?.column}: ${d.message}`);
}
