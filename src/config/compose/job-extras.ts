// Keywords glci accepts and keeps in the job's raw mapping without acting on them:
// release, pages/publish, secrets, identity, dast_configuration, and the experimental `run`.
// Spec §5.24–5.26 (entry/release.rb, entry/pages.rb, entry/publish.rb).
import { checkAllowedKeys } from './keys.js';
import { isMapping, isString } from './shapes.js';
import type { Site } from './site.js';

const PAGES_KEYS: ReadonlySet<string> = new Set(['publish', 'path_prefix', 'expire_in']);
const RELEASE_KEYS: ReadonlySet<string> = new Set([
  'tag_name', 'tag_message', 'name', 'description', 'ref', 'released_at', 'milestones', 'assets',
]);

/** Validates the shapes GitLab checks for the keywords glci only carries along. */
export function checkExtras(job: Site, raw: Record<string, unknown>, name: string): void {
  if (present(raw.run)) {
    job.verbatim(
      `${job.path} run is not supported: glci does not implement the experimental CI/CD Steps keyword`,
      'use script: instead',
    );
  }
  if (present(raw.release)) checkRelease(job.at('release'));
  const pages = raw.pages;
  if (present(pages) && typeof pages !== 'boolean') {
    if (!isMapping(pages)) job.at('pages').config('should be a hash or a boolean value');
    else checkAllowedKeys(job.at('pages'), pages, PAGES_KEYS);
  }
  const isPagesJob = pages === true || isMapping(pages) || (name === 'pages' && pages !== false);
  if (present(raw.publish) && !isPagesJob) job.attr('publish', 'can only be used within a `pages` job');
  for (const key of ['secrets', 'dast_configuration'] as const) {
    if (present(raw[key]) && !isMapping(raw[key])) job.at(key).config('should be a hash');
  }
  if (present(raw.identity) && !isString(raw.identity)) job.attr('identity', 'should be a string');
}

function checkRelease(site: Site): void {
  const raw = site.value;
  if (!isMapping(raw)) {
    site.config('should be a hash');
    return;
  }
  checkAllowedKeys(site, raw, RELEASE_KEYS);
  for (const key of ['tag_name', 'description']) {
    if (!isString(raw[key]) || (raw[key] as string).trim() === '') site.attr(key, "can't be blank");
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}
