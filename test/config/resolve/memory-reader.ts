// An in-memory SourceReader for resolution tests.
import type { FileResult, RemoteResult, SourceProject, SourceReader } from '../../../src/config/source-reader.js';
import { resolveRawConfig, type ResolveOptions } from '../../../src/config/resolve.js';
import type { ResolvedRawConfig } from '../../../src/config/raw.js';
import { ConfigError } from '../../../src/errors.js';

export interface MemorySources {
  /** Files of the project being run. */
  files: Record<string, string>;
  /** `group/project` (or `group/project@ref`) → files. */
  projects?: Record<string, Record<string, string>>;
  /** Refs that exist per project (default: any ref of a `project@ref` key, plus none). */
  remote?: Record<string, string | RemoteResult>;
  templates?: Record<string, string>;
  /** `<fqdn>/<project path>` → files. */
  components?: Record<string, Record<string, string>>;
}

export function memoryReader(sources: MemorySources, calls: string[] = []): SourceReader {
  const repository = (project: SourceProject): Record<string, string> | null | 'no-ref' => {
    if (project.kind === 'self') return sources.files;
    if (project.kind === 'component') return sources.components?.[project.path.toLowerCase()] ?? null;
    const key = project.path.toLowerCase();
    const projects = sources.projects ?? {};
    if (project.ref !== null) {
      if (projects[`${key}@${project.ref}`]) return projects[`${key}@${project.ref}`] ?? null;
      return projects[key] ? 'no-ref' : null;
    }
    return projects[key] ?? null;
  };
  return {
    async readFile(project, path): Promise<FileResult> {
      calls.push(`read ${project.kind}:${'path' in project ? project.path : ''}:${path}`);
      const files = repository(project);
      if (files === null) return { status: 'missing-project' };
      if (files === 'no-ref') return { status: 'missing-ref' };
      const content = files[path];
      return content === undefined ? { status: 'missing-file' } : { status: 'ok', content };
    },
    async listFiles(project, directory) {
      calls.push(`list ${project.kind}:${directory}`);
      const files = repository(project);
      if (files === null || files === 'no-ref') return null;
      return Object.keys(files).filter((file) => directory === '' || file.startsWith(`${directory}/`));
    },
    async fetchRemote(url): Promise<RemoteResult> {
      calls.push(`fetch ${url}`);
      const found = sources.remote?.[url];
      if (found === undefined) return { status: 'socket' };
      return typeof found === 'string' ? { status: 'ok', content: found } : found;
    },
    async readTemplate(name): Promise<FileResult> {
      const content = sources.templates?.[name];
      return content === undefined ? { status: 'missing-file' } : { status: 'ok', content };
    },
  };
}

/** Resolves `.gitlab-ci.yml` from the given sources. */
export function resolve(
  sources: MemorySources | Record<string, string>,
  options: Partial<ResolveOptions> = {},
): Promise<ResolvedRawConfig> {
  const all: MemorySources = 'files' in sources && typeof sources.files === 'object' ? (sources as MemorySources) : { files: sources as Record<string, string> };
  return resolveRawConfig({ projectDir: '/project', reader: memoryReader(all), variables: {}, ...options });
}

/** The diagnostics of the ConfigError a resolution throws, as `FILE:LINE:COLUMN: message` lines. */
export async function resolveErrors(
  sources: MemorySources | Record<string, string>,
  options: Partial<ResolveOptions> = {},
): Promise<string[]> {
  try {
    await resolve(sources, options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => (d.location ? `${d.location.file}:${d.location.line}:${d.location.column}: ${d.message}` : d.message));
  }
  throw new Error('expected a ConfigError');
}
