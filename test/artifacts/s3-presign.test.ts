// The presigner against AWS's published example of query-string authentication ("Authenticating
// Requests: Using Query Parameters (AWS Signature Version 4)", S3 API reference): a GET of test.txt in
// examplebucket with the documentation's example keys, 2013-05-24, us-east-1, 86400 s.
import { describe, expect, it } from 'vitest';
import { presignObjectUrl, presignQuery, uriEncode } from '../../src/artifacts/s3-presign.js';

const credentials = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const date = new Date('2013-05-24T00:00:00Z');

describe('presignQuery', () => {
  it("reproduces AWS's documented presigned GET", () => {
    const query = presignQuery({
      method: 'GET', host: 'examplebucket.s3.amazonaws.com', path: '/test.txt', region: 'us-east-1', credentials, date, expiresSeconds: 86400,
    });
    // The documented example signs no payload hash parameter; its canonical request ends in
    // UNSIGNED-PAYLOAD, as ours does.
    expect(query).toBe(
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('signs the method: a PUT of the same object gets another signature', () => {
    const input = { host: 'examplebucket.s3.amazonaws.com', path: '/test.txt', region: 'us-east-1', credentials, date, expiresSeconds: 86400 };
    const get = presignQuery({ ...input, method: 'GET' });
    const put = presignQuery({ ...input, method: 'PUT' });
    expect(put.replace(/Signature=.*/, '')).toBe(get.replace(/Signature=.*/, ''));
    expect(put).not.toBe(get);
  });

  it('signs a session token into the query and keeps the lifetime within S3 bounds', () => {
    const query = presignQuery({
      method: 'GET', host: 'h', path: '/b/k', region: 'eu-west-1', credentials: { ...credentials, sessionToken: 'tok/en+=' }, date, expiresSeconds: 10 ** 9,
    });
    expect(query).toContain('X-Amz-Expires=604800');
    expect(query).toContain('X-Amz-Security-Token=tok%2Fen%2B%3D');
    expect(query).toContain('%2Feu-west-1%2Fs3%2F');
  });
});

describe('presignObjectUrl', () => {
  it('builds a path-style URL and a display URL without the query', () => {
    const endpoint = { serverAddress: '127.0.0.1:9000', insecure: true, bucketName: 'cache', bucketLocation: '' };
    const { url, displayUrl } = presignObjectUrl(endpoint, 'runner/abc/project/7/key with space', 'PUT', credentials, { date, expiresSeconds: 60 });
    expect(displayUrl).toBe('http://127.0.0.1:9000/cache/runner/abc/project/7/key%20with%20space');
    expect(url.startsWith(`${displayUrl}?X-Amz-Algorithm=`)).toBe(true);
    expect(displayUrl).not.toContain('Signature');
  });

  it("uses AWS's regional endpoint over https when no ServerAddress is set", () => {
    const endpoint = { serverAddress: '', insecure: false, bucketName: 'b', bucketLocation: 'eu-central-1' };
    expect(presignObjectUrl(endpoint, 'o', 'GET', credentials, { date, expiresSeconds: 60 }).displayUrl).toBe('https://s3.eu-central-1.amazonaws.com/b/o');
  });

  it('encodes as SigV4 requires', () => {
    expect(uriEncode('a b/ü~*', true)).toBe('a%20b/%C3%BC~%2A');
    expect(uriEncode('a/b', false)).toBe('a%2Fb');
  });
});
