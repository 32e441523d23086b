// The token of glab's login for a host, read off glab's config.yml text.
import { describe, expect, it } from 'vitest';
import { glabToken } from '../../src/config/glab-config.js';

const config = `# What protocol to use when performing git operations.
git_protocol: ssh
host: gitlab.com
hosts:
    gitlab.com:
        api_protocol: https
        api_host: gitlab.com
        token:
    gitlab.example.com:
        token: glpat-example
        api_host: api.example.com
        user: someone
    Gitlab.Other.Org:8443:
        token: "glpat-other"
`;

describe('glabToken', () => {
  it('takes the token of the host block, matched case-insensitively with its port', () => {
    expect(glabToken(config, 'gitlab.example.com')).toBe('glpat-example');
    expect(glabToken(config, 'gitlab.other.org:8443')).toBe('glpat-other');
  });

  it('matches a block by its api_host as well', () => {
    expect(glabToken(config, 'api.example.com')).toBe('glpat-example');
  });

  it('gives nothing for an empty token, an unknown host, another port, or a file without hosts', () => {
    expect(glabToken(config, 'gitlab.com')).toBeNull();
    expect(glabToken(config, 'unknown.example.com')).toBeNull();
    expect(glabToken(config, 'gitlab.example.com:8443')).toBeNull();
    expect(glabToken('editor: vim\n', 'gitlab.com')).toBeNull();
  });

  it('gives nothing, and says nothing, for a file that does not parse', () => {
    expect(glabToken('hosts:\n  gitlab.com:\n    token: [glpat-broken\n', 'gitlab.com')).toBeNull();
  });
});
