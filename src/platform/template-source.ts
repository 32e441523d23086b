// `include:template`: GitLab's bundled templates. First the configured directories
// (GLCI_TEMPLATE_DIRS), then the GitLab instance:
// - a top-level name (`Auto-DevOps.gitlab-ci.yml`) through the templates API,
//   `GET /templates/gitlab_ci_ymls/<name without .gitlab-ci.yml>` (JSON `content`);
// - a name in a folder (`Jobs/SAST.gitlab-ci.yml`) cannot go through that API: its route accepts a
//   key of `[\w.-]+` only (lib/api/templates.rb), so neither `Jobs/SAST` nor `Jobs%2FSAST` reaches
//   it. `include:template` itself reads `lib/gitlab/ci/templates/<name>` of GitLab's source tree
//   (Gitlab::Template::GitlabCiYmlTemplate), so glci reads that file of the `gitlab-org/gitlab`
//   project (ref `master`) with the repository files API of the same instance — the raw location
//   GitLab itself records for template includes (External::File::Template).
import { readFile } from 'node:fs/promises';
import type { FileResult } from '../config/source-reader.js';
import { throughCache, type CachePolicy } from './cached-fetch.js';
import type { GitLabApi } from './gitlab-api.js';
import { missing, readProjectFile } from './gitlab-files.js';
import { displayPath, inside, isPlainPath } from './local-checkout.js';

const SUFFIX = '.gitlab-ci.yml';
/** The templates API route's requirement on the key. */
const API_KEY = /^[\w.-]+$/;
const SOURCE_PROJECT = 'gitlab-org/gitlab';
const SOURCE_REF = 'master';
const SOURCE_DIR = 'lib/gitlab/ci/templates';
const MAPPING = 'put it in a GLCI_TEMPLATE_DIRS directory';

export interface TemplateInstance {
  api: GitLabApi;
  policy: CachePolicy;
}

export async function readTemplate(dirs: readonly string[], name: string, base: string, instance: TemplateInstance | null): Promise<FileResult> {
  for (const dir of dirs) {
    const full = inside(dir, name);
    const content = full ? await readFile(full, 'utf8').catch(() => null) : null;
    if (full && content !== null) return { status: 'ok', content, origin: displayPath(base, full) };
  }
  if (!instance) {
    const where = dirs.length > 0 ? `looked in ${dirs.join(', ')}` : 'no template directory is configured';
    return { status: 'missing-file', hint: `${where} (set GLCI_TEMPLATE_DIRS to a directory of templates, or GLCI_GITLAB_URL to a GitLab instance)` };
  }
  if (!isPlainPath(name)) return { status: 'missing-file' };
  const key = name.slice(0, -SUFFIX.length);
  return API_KEY.test(key) ? fromTemplatesApi(instance, name, key) : fromSourceTree(instance, name);
}

async function fromTemplatesApi({ api, policy }: TemplateInstance, name: string, key: string): Promise<FileResult> {
  const label = { what: `include:template ${name}`, mapping: MAPPING };
  return throughCache<FileResult>(policy, {
    key: { kind: 'template', instance: api.url, path: name },
    what: label.what,
    async online() {
      const answer = await api.get(`/templates/gitlab_ci_ymls/${encodeURIComponent(key)}`);
      if (answer.kind === 'network') return answer;
      if (answer.kind === 'failed') return { kind: 'answer', result: { status: 'unavailable', message: answer.detail } };
      if (answer.kind === 'error' && answer.status === 404) {
        return { kind: 'answer', result: { status: 'missing-file', hint: `${api.url} has no template \`${key}\` (GET /api/v4/templates/gitlab_ci_ymls/${key}); check the name, or ${MAPPING}` } };
      }
      if (answer.kind === 'error') {
        const refusal = await api.refusal(answer, `template \`${name}\``);
        return { kind: 'answer', result: { status: 'unavailable', ...refusal } };
      }
      const content = templateContent(answer.body);
      if (content === null) return { kind: 'answer', result: { status: 'unavailable', message: `${api.url} answered the templates API without a \`content\`` } };
      return { kind: 'fetched', result: { status: 'ok', content }, store: { content } };
    },
    fromCache: (entry) => ({ status: 'ok', content: entry.content }),
    missing: (unreachable) => missing(label, unreachable),
  });
}

async function fromSourceTree({ api, policy }: TemplateInstance, name: string): Promise<FileResult> {
  const label = { what: `include:template ${name}`, mapping: MAPPING };
  const result = await readProjectFile(api, policy, SOURCE_PROJECT, SOURCE_REF, `${SOURCE_DIR}/${name}`, label);
  if (result.status === 'ok') return { status: 'ok', content: result.content };
  if (result.status === 'missing-project' || result.status === 'missing-ref') {
    return { status: 'missing-file', hint: `templates in folders are read from ${SOURCE_DIR} of ${SOURCE_PROJECT} on ${api.url}, which has no such project there; ${MAPPING}` };
  }
  if (result.status === 'missing-file') return { status: 'missing-file', hint: `${SOURCE_PROJECT} on ${api.url} has no ${SOURCE_DIR}/${name} at ${SOURCE_REF}; check the name, or ${MAPPING}` };
  return result;
}

function templateContent(body: string): string | null {
  try {
    const value = JSON.parse(body) as { content?: unknown };
    return typeof value.content === 'string' ? value.content : null;
  } catch {
    return null;
  }
}
