// The project file `.glci.yml` (and the user-level `glci.yml` of the same shape): default flag values,
// variables, variables files, the runner config.toml to use, and named presets. Pure: text → typed
// ProjectFile. A wrong type is an error at FILE:LINE:COLUMN; an unknown key is a warning with a
// "did you mean" (a newer glci's key must not break an older one). Lives in config/ for `yaml`.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ConfigDiagnostic, SourceLocation } from '../model/config.js';
import { ConfigError } from '../errors.js';
import { closestKey } from './compose/keys.js';
import { VARIABLE_NAME } from './variables-file.js';

/** Flag defaults a project file may set, by flag name; the value types the flags have. */
export interface ProjectFlags {
  executor?: string;
  concurrency?: number;
  timeout?: number;
  'state-dir'?: string;
  'shell-in-place'?: boolean;
  'ignore-tags'?: boolean;
  'privileged-fallback'?: boolean;
  'artifacts-to-source'?: boolean;
  needs?: boolean;
  'pipeline-source'?: string;
}

export type ProjectFlagName = keyof ProjectFlags;

export interface Preset {
  /** Jobs to run when the command line names none. */
  jobs: string[];
  variables: Record<string, string>;
  flags: ProjectFlags;
}

export interface ProjectFile {
  file: string;
  flags: ProjectFlags;
  variables: Record<string, string>;
  /** Paths of YAML variables files, as written (relative to the file's directory). */
  variablesFiles: string[];
  /** A GitLab Runner config.toml, as written (relative to the file's directory). */
  runnerConfig: string | null;
  presets: Record<string, Preset>;
  /** Where each top-level key and each flag of a preset is, for `glci config show`. */
  locations: Record<string, SourceLocation>;
  warnings: ConfigDiagnostic[];
}

const FLAG_TYPES: Record<ProjectFlagName, 'string' | 'boolean' | 'positive integer'> = {
  executor: 'string',
  concurrency: 'positive integer',
  timeout: 'positive integer',
  'state-dir': 'string',
  'shell-in-place': 'boolean',
  'ignore-tags': 'boolean',
  'privileged-fallback': 'boolean',
  'artifacts-to-source': 'boolean',
  needs: 'boolean',
  'pipeline-source': 'string',
};
export const PROJECT_FLAG_NAMES = Object.keys(FLAG_TYPES) as ProjectFlagName[];
const TOP_KEYS = [...PROJECT_FLAG_NAMES, 'variables', 'variables-files', 'runner-config', 'presets'];
const PRESET_KEYS = [...PROJECT_FLAG_NAMES, 'jobs', 'variables'];

class Reader {
  readonly warnings: ConfigDiagnostic[] = [];
  readonly locations: Record<string, SourceLocation> = {};
  constructor(readonly file: string, private readonly lines: LineCounter) {}

  at(node: Node | null | undefined): SourceLocation | null {
    const offset = node?.range?.[0];
    if (offset === undefined) return null;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  fail(node: Node | null | undefined, message: string): never {
    throw ConfigError.at(this.at(node), message);
  }

  /** The entries of a mapping, warning about keys outside `allowed`. */
  entries(node: unknown, where: string, allowed: readonly string[] | null): [string, Node | null, Node][] {
    if (!isMap(node)) this.fail(node as Node, `${where || 'the file'} must be a mapping`);
    const out: [string, Node | null, Node][] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : this.fail(keyNode, `${where || 'the file'}: keys must be plain names`);
      if (allowed && !allowed.includes(key)) {
        const guess = closestKey(key, allowed);
        const message = `${where ? `${where}: ` : ''}unknown key \`${key}\`, ignored${guess ? ` (did you mean \`${guess}\`?)` : ''}`;
        this.warnings.push({ severity: 'warning', message, location: this.at(keyNode) });
        continue;
      }
      out.push([key, (pair.value as Node | null) ?? null, keyNode]);
    }
    return out;
  }

  scalar(node: Node | null, where: string): string {
    if (!isScalar(node) || node.value === null || typeof node.value === 'object') this.fail(node ?? undefined, `${where} must be a string`);
    return String(node.value);
  }

  strings(node: Node | null, where: string): string[] {
    if (!isSeq(node)) this.fail(node ?? undefined, `${where} must be a list of strings`);
    return node.items.map((item) => this.scalar(item as Node, `${where} entries`));
  }

  variables(node: Node | null, where: string): Record<string, string> {
    if (node === null || (isScalar(node) && node.value === null)) return {};
    const out: Record<string, string> = {};
    for (const [key, value, keyNode] of this.entries(node, where, null)) {
      if (!VARIABLE_NAME.test(key)) this.fail(keyNode, `${where}: invalid variable name "${key}"`);
      out[key] = isScalar(value) && value.value === null ? '' : this.scalar(value, `${where}.${key}`);
    }
    return out;
  }

  flag(name: ProjectFlagName, node: Node | null, where: string): string | number | boolean {
    const type = FLAG_TYPES[name];
    const value = isScalar(node) ? node.value : undefined;
    if (type === 'boolean' && typeof value === 'boolean') return value;
    if (type === 'positive integer' && typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
    if (type === 'string' && (typeof value === 'string' || typeof value === 'number')) return String(value);
    return this.fail(node ?? undefined, `${where} must be a ${type}`);
  }
}

function readFlags(r: Reader, entries: [string, Node | null, Node][], prefix: string): ProjectFlags {
  const flags: Record<string, unknown> = {};
  for (const [key, value, keyNode] of entries) {
    if (!(PROJECT_FLAG_NAMES as string[]).includes(key)) continue;
    flags[key] = r.flag(key as ProjectFlagName, value, `${prefix}${key}`);
    const location = r.at(keyNode);
    if (location) r.locations[`${prefix}${key}`] = location;
  }
  return flags as ProjectFlags;
}

function readPreset(r: Reader, name: string, node: Node | null): Preset {
  const entries = r.entries(node, `presets.${name}`, PRESET_KEYS);
  const get = (key: string) => entries.find(([k]) => k === key)?.[1];
  const jobs = get('jobs');
  const variables = get('variables');
  return {
    jobs: jobs === undefined ? [] : r.strings(jobs, `presets.${name}.jobs`),
    variables: variables === undefined ? {} : r.variables(variables, `presets.${name}.variables`),
    flags: readFlags(r, entries, `presets.${name}.`),
  };
}

/** Parses a project file's text; `file` names it in messages. */
export function parseProjectFile(text: string, file: string): ProjectFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const r = new Reader(file, lines);
  const [syntax] = doc.errors;
  if (syntax) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw ConfigError.at({ file, line, column: col }, `not valid YAML: ${syntax.message.split('\n')[0]}`);
  }
  const result: ProjectFile = { file, flags: {}, variables: {}, variablesFiles: [], runnerConfig: null, presets: {}, locations: r.locations, warnings: r.warnings };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return result;
  // Top-level messages need no prefix: the location already names the file.
  const entries = r.entries(doc.contents, '', TOP_KEYS);
  result.flags = readFlags(r, entries, '');
  for (const [key, value, keyNode] of entries) {
    const location = r.at(keyNode);
    if (location) r.locations[key] = location;
    if (key === 'variables') result.variables = r.variables(value, 'variables');
    if (key === 'variables-files') result.variablesFiles = r.strings(value, 'variables-files');
    if (key === 'runner-config') result.runnerConfig = r.scalar(value, 'runner-config');
    if (key === 'presets') {
      for (const [name, preset] of r.entries(value, 'presets', null)) result.presets[name] = readPreset(r, name, preset);
    }
  }
  return result;
}
