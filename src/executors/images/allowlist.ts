// `allowed_images`, `allowed_services` and the privileged allowlists (runner-behavior.md §3.3,
// GitLab Runner common/allowed_images.go). Patterns are doublestar globs matched against the image
// string as written (after variable expansion), with no normalisation.
// https://docs.gitlab.com/runner/configuration/advanced-configuration/#restrict-docker-images-and-services
import picomatch from 'picomatch';
import type { DockerSettings } from '../../model/runner.js';
import type { RunnerLineKind } from '../../log/runner-lines.js';
import { ExecutorError } from '../../errors.js';

// doublestar semantics: dot-files are ordinary, a leading `!` is a literal and `@(…)`-style
// extglobs do not exist. `*` stops at `/`, `**` as a whole component crosses it (as in picomatch).
const GLOB_OPTIONS: picomatch.PicomatchOptions = { dot: true, nonegate: true, noextglob: true };

const matchers = new Map<string, (input: string) => boolean>();

function matcherFor(pattern: string): (input: string) => boolean {
  let matcher = matchers.get(pattern);
  if (!matcher) {
    matcher = picomatch(pattern, GLOB_OPTIONS);
    matchers.set(pattern, matcher);
  }
  return matcher;
}

/** Whether `image` matches one of the doublestar `patterns` (an empty list matches nothing). */
export function imageMatches(image: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matcherFor(pattern)(image));
}

/** `allowed_privileged_images` / `allowed_privileged_services`: empty allows all; a non-match runs unprivileged. */
export function privilegedAllowed(image: string, patterns: string[]): boolean {
  return patterns.length === 0 || imageMatches(image, patterns);
}

/** The image being checked, as `resolveImage` receives it. */
export interface AllowlistSubject {
  name: string;
  kind: 'image' | 'service';
  /** The runner's own default image and config services: never refused. */
  internal: boolean;
}

/**
 * Refuses an image that `allowed_images` (or `allowed_services`) does not list, writing GitLab's
 * lines to the job log first; an empty list and internal images are always allowed.
 */
export function verifyAllowedImage(
  subject: AllowlistSubject,
  settings: Pick<DockerSettings, 'allowedImages' | 'allowedServices'>,
  log: (kind: RunnerLineKind, message: string) => void,
): void {
  const patterns = subject.kind === 'service' ? settings.allowedServices : settings.allowedImages;
  if (subject.internal || patterns.length === 0 || imageMatches(subject.name, patterns)) return;
  const option = subject.kind === 'service' ? 'services' : 'images';
  log('print', '');
  log('error', `The "${subject.name}" image is not present on list of allowed ${option}:`);
  for (const pattern of patterns) log('print', `- ${pattern}`);
  log('print', '');
  log('print', "Please check runner's allowed_images configuration: https://docs.gitlab.com/runner/configuration/advanced-configuration/");
  throw new ExecutorError(
    'DOCKER_IMAGE_NOT_ALLOWED',
    'disallowed image',
    `"${subject.name}" matches none of allowed_${option} in [runners.docker] (${patterns.join(', ')})`,
  );
}
