// The runner's "short token" (CI_RUNNER_SHORT_TOKEN): what names a runner in the job log header, the
// runner's log, builds folders and distributed-cache object names. GitLab Runner's helpers.ShortenToken,
// so glci runners and GitLab Runners sharing a bucket or a host agree on every name.
const AUTHENTICATION_PREFIX = 'glrt-';

export function isAuthenticationToken(token: string): boolean {
  return token.startsWith(AUTHENTICATION_PREFIX);
}

export function shortenRunnerToken(token: string): string {
  if (token.length < 8) return token;
  if (token.startsWith('glrt-')) return token.slice(5, 14);
  if (token.startsWith('glrtr-') || token.startsWith('glcbt-')) return token.slice(6, 15);
  // Legacy registration-era tokens: `GR` + a 7-hex-digit partition prefix.
  if (token.startsWith('GR') && token.length >= 17 && /^[0-9A-Fa-f]{7}$/.test(token.slice(2, 9))) return token.slice(0, 17);
  return token.slice(0, 8);
}
