// Reading one included file by location type (spec §4.2; GitLab's External::File::*), with the
// checks in GitLab's order — location (a string, YAML extension), context, content — and its
// messages. Returns the text and the context the file's own includes run in, or null when an error
// was reported.
import type { SourceLocation } from '../../model/config.js';
import type { RawMapping } from '../raw.js';
import type { FileResult, SourceProject } from '../source-reader.js';
import { rubyInspect } from '../yaml/ruby-inspect.js';
import type { FileScope, IncludeSession } from './context.js';
import { isRemoteUrl, type LocationType } from './entries.js';
import { sha256Base64 } from './integrity.js';

export interface FetchedFile {
  text: string;
  /** The context of the fetched file (its nested includes resolve there). */
  scope: FileScope;
  /** The location as written, as GitLab names the file in messages. */
  name: string;
}

type Fetch = (params: RawMapping, parent: FileScope, report: (message: string, hint?: string) => void, session: IncludeSession) => Promise<FetchedFile | null>;

const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze({});
const YAML_EXTENSION = /.+\.(yml|yaml)$/i;
const TEMPLATE_SUFFIX = '.gitlab-ci.yml';
const PROJECT_HINT = 'glci reads other projects from a local clone (GLCI_INCLUDE_PROJECT_DIRS=<project path>=<dir>,...) or from the GitLab API (GLCI_GITLAB_URL + GLCI_GITLAB_TOKEN)';
const REMOTE_HINT = 'check the address and the network, or vendor the file into the repository and include it with `local:`';
const TEMPLATE_HINT = 'glci does not ship GitLab templates: copy them into a directory and set GLCI_TEMPLATE_DIRS to it';
const COMPONENT_HINT = 'map the component project to a local directory with GLCI_COMPONENT_DIRS=<fqdn>/<project path>=<dir>';

export async function fetchInclude(type: LocationType, params: RawMapping, parent: FileScope, session: IncludeSession, location: SourceLocation | null): Promise<FetchedFile | null> {
  const report = (message: string, hint?: string): void => session.error(message, location, hint);
  return FETCHERS[type](params, parent, report, session);
}

const FETCHERS: Record<LocationType, Fetch> = {
  local: fetchLocal,
  project: fetchProject,
  remote: fetchRemote,
  template: fetchTemplate,
  component: fetchComponent,
  artifact: async (_params, _parent, report) => {
    report('Including configs from artifacts is only allowed when triggering child pipelines');
    return null;
  },
};

async function fetchLocal(params: RawMapping, parent: FileScope, report: (m: string, h?: string) => void, session: IncludeSession): Promise<FetchedFile | null> {
  const path = checkedPath(params.local, report);
  if (path === null) return null;
  if (!parent.project) return fail(report, `Local file \`${path}\` does not have project!`);
  const result = await session.reader.readFile(parent.project, path);
  if (result.status === 'missing-file') return fail(report, `Local file \`${path}\` does not exist!`);
  if (result.status !== 'ok') return fail(report, unreadable(`Local file \`${path}\``, result), hintOf(result));
  if (result.content.trim() === '') return fail(report, `Local file \`${path}\` is empty!`);
  const display = result.origin ?? path;
  return { text: result.content, name: path, scope: { project: parent.project, path, display, variables: parent.variables, component: null } };
}

async function fetchProject(params: RawMapping, parent: FileScope, report: (m: string, h?: string) => void, session: IncludeSession): Promise<FetchedFile | null> {
  const file = checkedPath(params.file, report);
  if (file === null) return null;
  const written = Array.isArray(params.project) ? params.project[0] : params.project;
  const projectPath = String(written ?? '');
  const name = projectPath.toLowerCase();
  const ref = typeof params.ref === 'string' && params.ref !== '' ? params.ref : null;
  const project: SourceProject = { kind: 'project', path: projectPath, ref };
  const result = await session.reader.readFile(project, file);
  if (result.status === 'missing-project') {
    return fail(report, `Project \`${name}\` not found or access denied! Make sure any includes in the pipeline configuration are correctly defined.`, result.hint ?? PROJECT_HINT);
  }
  if (result.status === 'missing-ref') return fail(report, `Project \`${name}\` reference \`${ref ?? 'HEAD'}\` does not exist!`);
  if (result.status === 'missing-file') return fail(report, `Project \`${name}\` file \`${file}\` does not exist!`);
  if (result.status !== 'ok') return fail(report, unreadable(`Project \`${name}\` file \`${file}\``, result), hintOf(result));
  if (result.content.trim() === '') return fail(report, `Project \`${name}\` file \`${file}\` is empty!`);
  const display = result.origin ?? `${projectPath}/${file}`;
  return { text: result.content, name: file, scope: { project, path: file, display, variables: parent.variables, component: null } };
}

async function fetchRemote(params: RawMapping, _parent: FileScope, report: (m: string, h?: string) => void, session: IncludeSession): Promise<FetchedFile | null> {
  const url = params.remote;
  if (typeof url !== 'string') return fail(report, `Included file \`${rubyInspect(url)}\` needs to be a string`);
  if (!YAML_EXTENSION.test(basename(url))) return fail(report, `Included file \`${url}\` does not have YAML extension!`);
  if (!isRemoteUrl(url)) return fail(report, `Remote file \`${url}\` does not have a valid address!`);
  const result = await session.reader.fetchRemote(url);
  const because = (reason: string, hint?: string): null => fail(report, `Remote file \`${url}\` could not be fetched because of ${reason}!`, hint ?? REMOTE_HINT);
  if (result.status === 'not-cached') return fail(report, result.message);
  if (result.status === 'timeout') return because('a timeout error', result.hint);
  if (result.status === 'socket') return because('a socket error', result.hint);
  if (result.status === 'http-error') return because('HTTP error');
  if (result.status === 'http-status') return because(`HTTP code \`${result.code}\` error`);
  if (result.content.trim() === '') return fail(report, `Included file \`${url}\` is empty or does not exist!`);
  if (typeof params.integrity === 'string' && `sha256-${sha256Base64(result.content)}` !== params.integrity) {
    return fail(report, `Remote file \`${url}\` could not be fetched because of an integrity check failure!`);
  }
  return { text: result.content, name: url, scope: { project: null, path: '', display: url, variables: NO_VARIABLES, component: null } };
}

async function fetchTemplate(params: RawMapping, _parent: FileScope, report: (m: string, h?: string) => void, session: IncludeSession): Promise<FetchedFile | null> {
  const name = params.template;
  if (typeof name !== 'string') return fail(report, `Included file \`${rubyInspect(name)}\` needs to be a string`);
  if (!YAML_EXTENSION.test(basename(name))) return fail(report, `Included file \`${name}\` does not have YAML extension!`);
  if (!name.endsWith(TEMPLATE_SUFFIX)) return fail(report, `Template file \`${name}\` is not a valid location!`);
  const result = await session.reader.readTemplate(name);
  if (result.status === 'unavailable' || result.status === 'not-cached') return fail(report, unreadable(`Included file \`${name}\``, result), hintOf(result));
  if (result.status !== 'ok' || result.content.trim() === '') {
    return fail(report, `Included file \`${name}\` is empty or does not exist!`, result.status === 'ok' ? undefined : (hintOf(result) ?? TEMPLATE_HINT));
  }
  const display = result.origin ?? name;
  return { text: result.content, name, scope: { project: null, path: '', display, variables: NO_VARIABLES, component: null } };
}

async function fetchComponent(params: RawMapping, parent: FileScope, report: (m: string, h?: string) => void, session: IncludeSession): Promise<FetchedFile | null> {
  const address = params.component;
  if (typeof address !== 'string') return fail(report, `Included file \`${rubyInspect(address)}\` needs to be a string`);
  if (!parent.project) return fail(report, 'Unable to use components outside of a project context');
  const parsed = parseComponentAddress(address);
  const prefix = `Component '${address}' -`;
  if (!parsed) return fail(report, `${prefix} the component path is not supported`);
  const project: SourceProject = { kind: 'component', path: parsed.project, version: parsed.version };
  let path = `templates/${parsed.name}.yml`;
  let result = await session.reader.readFile(project, path);
  if (result.status === 'missing-file' || result.status === 'not-cached') {
    const folderPath = `templates/${parsed.name}/template.yml`;
    const second = await session.reader.readFile(project, folderPath);
    // Offline, the first form may be absent from the cache because the component uses the second.
    if (second.status === 'ok' || result.status === 'missing-file') [path, result] = [folderPath, second];
  }
  if (result.status === 'missing-project') {
    return fail(report, `${prefix} project does not exist or you don't have sufficient permissions`, result.hint ?? COMPONENT_HINT);
  }
  if (result.status === 'no-release') {
    return fail(report, `${prefix} The ~latest version reference is not supported for non-catalog resources. Use a tag, branch, or commit SHA instead.`);
  }
  if (result.status === 'unavailable' || result.status === 'not-cached') return fail(report, unreadable(prefix, result), hintOf(result));
  if (result.status !== 'ok' || result.content.trim() === '') return fail(report, `${prefix} content not found`);
  const resolved = result.resolved;
  const component = { name: parsed.name, sha: resolved?.sha ?? '', version: resolved?.version ?? parsed.version, reference: parsed.version };
  const display = result.origin ?? `${parsed.project}/${path}`;
  return { text: result.content, name: address, scope: { project, path, display, variables: parent.variables, component } };
}

/** `<fqdn>/<project path>/<name>@<version>`: the last path segment is the component name. */
export function parseComponentAddress(address: string): { project: string; name: string; version: string } | null {
  const at = address.indexOf('@');
  if (at === -1) return null;
  const fullPath = address.slice(0, at);
  const version = address.slice(at + 1);
  const segments = fullPath.split('/');
  if (version === '' || /\s/.test(version) || segments.length < 3 || segments.some((segment) => segment === '')) return null;
  const slash = fullPath.lastIndexOf('/');
  return { project: fullPath.slice(0, slash), name: fullPath.slice(slash + 1), version };
}

/** A location must be a string with a YAML extension; leading slashes are dropped. */
function checkedPath(location: unknown, report: (m: string) => void): string | null {
  if (typeof location !== 'string') {
    report(`Included file \`${rubyInspect(location)}\` needs to be a string`);
    return null;
  }
  const path = location.replace(/^\/+/, '');
  if (!YAML_EXTENSION.test(basename(path))) {
    report(`Included file \`${path}\` does not have YAML extension!`);
    return null;
  }
  return path;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function unreadable(what: string, result: FileResult): string {
  if (result.status === 'unavailable') return `${what} could not be read: ${result.message}`;
  // Offline: the reader names what is missing from the cache and how to get it.
  if (result.status === 'not-cached') return result.message;
  return `${what} does not exist!`;
}

function hintOf(result: FileResult): string | undefined {
  return 'hint' in result ? result.hint : undefined;
}

function fail(report: (message: string, hint?: string) => void, message: string, hint?: string): null {
  report(message, hint);
  return null;
}
