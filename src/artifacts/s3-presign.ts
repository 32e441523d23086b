// AWS Signature Version 4 query-string pre-signing ("presigned URLs") for S3, as GitLab Runner hands
// its cache helper: the URL alone authorises one GET or PUT of one object until it expires, so the
// secret key never leaves the process that signs. Path-style URLs (`https://host/bucket/key`), the only
// style every S3-compatible server answers; `Insecure` means http. Written with node:crypto: the AWS SDK
// is tens of megabytes for two HMAC chains.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
import { createHash, createHmac } from 'node:crypto';

export interface S3Credentials {
  accessKey: string;
  secretKey: string;
  /** Temporary credentials' token, sent (and signed) as X-Amz-Security-Token. */
  sessionToken?: string;
}

export interface PresignInput {
  method: 'GET' | 'PUT' | 'HEAD' | 'DELETE';
  /** `host[:port]`, exactly as the request's Host header will carry it. */
  host: string;
  /** The request path, not yet URI-encoded (`/bucket/runner/abc/project/1/default`). */
  path: string;
  region: string;
  credentials: S3Credentials;
  /** Signing time (X-Amz-Date). */
  date: Date;
  /** Lifetime of the URL: 1 second to 7 days (S3's bounds). */
  expiresSeconds: number;
}

/** S3 accepts at most a week for query-string authentication. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** RFC 3986 percent-encoding as SigV4 wants it: only unreserved characters stay; `/` too when asked. */
export function uriEncode(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

/** `20130524T000000Z`. */
function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The derived signing key of one day, region and service. */
function signingKey(secretKey: string, day: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretKey}`, day), region), 's3'), 'aws4_request');
}

/**
 * The query string of a presigned request, `X-Amz-Signature` last (sorted parameters, one signed
 * header: host; the payload is not signed, `UNSIGNED-PAYLOAD`, so a PUT URL takes any body).
 */
export function presignQuery(input: PresignInput): string {
  const stamp = amzDate(input.date);
  const day = stamp.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const expires = Math.min(MAX_PRESIGN_SECONDS, Math.max(1, Math.floor(input.expiresSeconds)));
  const params: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${input.credentials.accessKey}/${scope}`],
    ['X-Amz-Date', stamp],
    ['X-Amz-Expires', String(expires)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  if (input.credentials.sessionToken) params.push(['X-Amz-Security-Token', input.credentials.sessionToken]);
  const query = params
    .map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [input.method, uriEncode(input.path, true), query, `host:${input.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = hmac(signingKey(input.credentials.secretKey, day, input.region), stringToSign).toString('hex');
  return `${query}&X-Amz-Signature=${signature}`;
}

export interface S3Endpoint {
  /** `host[:port]`; empty: AWS's endpoint of the region. */
  serverAddress: string;
  /** Plain http (GitLab Runner's `Insecure`). */
  insecure: boolean;
  bucketName: string;
  /** Region; empty: us-east-1, as GitLab Runner's S3 client assumes. */
  bucketLocation: string;
}

export interface PresignedObjectUrl {
  /** The URL to request; its query string is a credential and must never be printed. */
  url: string;
  /** The same URL without the query string, for the job log. */
  displayUrl: string;
}

export function regionOf(endpoint: S3Endpoint): string {
  return endpoint.bucketLocation === '' ? 'us-east-1' : endpoint.bucketLocation;
}

function hostOf(endpoint: S3Endpoint): string {
  if (endpoint.serverAddress !== '') return endpoint.serverAddress.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const region = regionOf(endpoint);
  return region === 'us-east-1' ? 's3.amazonaws.com' : `s3.${region}.amazonaws.com`;
}

/** A presigned path-style URL of `objectName` in the endpoint's bucket (`objectName` '' = the bucket itself). */
export function presignObjectUrl(
  endpoint: S3Endpoint,
  objectName: string,
  method: PresignInput['method'],
  credentials: S3Credentials,
  options: { date?: Date; expiresSeconds: number },
): PresignedObjectUrl {
  const host = hostOf(endpoint);
  const path = objectName === '' ? `/${endpoint.bucketName}` : `/${endpoint.bucketName}/${objectName}`;
  const query = presignQuery({
    method, host, path, region: regionOf(endpoint), credentials, date: options.date ?? new Date(), expiresSeconds: options.expiresSeconds,
  });
  const displayUrl = `${endpoint.insecure ? 'http' : 'https'}://${host}${uriEncode(path, true)}`;
  return { url: `${displayUrl}?${query}`, displayUrl };
}
