// The explanations glci adds to GitLab's pull errors: which credential source was tried for which
// registry (never a secret), and what to do about it.
import { describeLookup, type CredentialLookup } from '../../images/credentials.js';
import { pullReference } from '../../images/image-reference.js';
import { PullFailure } from './pull-errors.js';

/** `never` and no local image: the daemon's wording for an absent image, with a way out. */
export function missingFailure(name: string): PullFailure {
  return new PullFailure(
    'missing',
    `Error response from daemon: No such image: ${pullReference(name)}`,
    'the "never" pull policy uses only images already on the engine',
    `pull or build ${name} on the engine first, or allow the "if-not-present" or "always" pull policy`,
  );
}

/** The registry refused the pull: say what was sent (or that nothing was), and point at DOCKER_AUTH_CONFIG. */
export function deniedFailure(failure: PullFailure, lookup: CredentialLookup): PullFailure {
  const { registry } = lookup;
  const hint = lookup.match
    ? `the registry refused the credentials from ${lookup.match.source} for "${lookup.match.key}": check the user name and password (or token) there, or set DOCKER_AUTH_CONFIG to a Docker config.json with working credentials for ${registry}`
    : `set DOCKER_AUTH_CONFIG (a CI/CD variable or a [[runners]] environment entry) to a Docker config.json with an "auths" entry for "${registry}", or run docker login ${registry} on this host`;
  return new PullFailure('denied', failure.message, describeLookup(lookup), hint);
}

export function notFoundFailure(failure: PullFailure, reference: string): PullFailure {
  return new PullFailure(
    'not-found',
    failure.message,
    `the registry has no image ${reference}`,
    'check the image name and tag (some registries also answer "not found" when no credentials were sent)',
  );
}
