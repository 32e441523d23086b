// Which TLS files a runner uses towards GitLab: the entry's, else the certificate directory's files
// named after the URL's host (GitLab Runner's `<host>.crt`, `<host>.auth.crt`, `<host>.auth.key`).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerTlsFiles, tlsFilesProblem, tlsJobVariables } from '../../src/gitlab/runner-tls.js';

describe('runnerTlsFiles', () => {
  const present = (paths: string[]) => (path: string) => paths.includes(path);

  it('takes the entry\'s files first, then the certificate directory\'s for the host (port left out)', () => {
    const exists = present(['/certs/gitlab.example.com.crt', '/certs/gitlab.example.com.auth.crt', '/certs/gitlab.example.com.auth.key']);
    expect(runnerTlsFiles({ url: 'https://gitlab.example.com:8443/' }, '/certs', exists)).toEqual({
      caFile: '/certs/gitlab.example.com.crt',
      certFile: '/certs/gitlab.example.com.auth.crt',
      keyFile: '/certs/gitlab.example.com.auth.key',
    });
    expect(runnerTlsFiles({ url: 'https://gitlab.example.com/', tlsCaFile: '/etc/ssl/corp.pem' }, '/certs', exists).caFile).toBe('/etc/ssl/corp.pem');
  });

  it('finds nothing for another host, without a directory, or for a URL it cannot read', () => {
    const exists = present(['/certs/gitlab.example.com.crt']);
    expect(runnerTlsFiles({ url: 'https://other.example.com/' }, '/certs', exists)).toEqual({});
    expect(runnerTlsFiles({ url: 'https://gitlab.example.com/' }, undefined, exists)).toEqual({});
    expect(runnerTlsFiles({ url: 'not a url' }, '/certs', exists)).toEqual({});
  });
});

describe('tlsFilesProblem', () => {
  it('names a missing file and a certificate without its key', () => {
    expect(tlsFilesProblem({ caFile: '/nope.pem' }, () => false)).toBe('tls-ca-file /nope.pem does not exist');
    expect(tlsFilesProblem({ certFile: '/c.pem' }, () => true)).toBe('tls-cert-file and tls-key-file go together: set both or neither');
    expect(tlsFilesProblem({ caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' }, () => true)).toBeUndefined();
  });
});

describe('tlsJobVariables', () => {
  it('hands the files\' contents to the job as raw file variables, in GitLab Runner\'s order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glci-tls-vars-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA $NOT_EXPANDED\n');
    writeFileSync(join(dir, 'c.pem'), 'CERT\n');
    writeFileSync(join(dir, 'k.pem'), 'KEY\n');
    const vars = tlsJobVariables({ caFile: join(dir, 'ca.pem'), certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem') });
    expect(vars.map((v) => [v.key, v.value, v.file, v.raw])).toEqual([
      ['CI_SERVER_TLS_CA_FILE', 'CA $NOT_EXPANDED\n', true, true],
      ['CI_SERVER_TLS_CERT_FILE', 'CERT\n', true, true],
      ['CI_SERVER_TLS_KEY_FILE', 'KEY\n', true, true],
    ]);
    expect(tlsJobVariables({})).toEqual([]);
  });
});
