// Log masking of runner-behavior.md §10.4: masked values, token prefixes and URL parameters, on a stream.
import { describe, expect, it } from 'vitest';
import { createMasker, maskText, type MaskerOptions } from '../../src/variables/index.js';

/** Streams `text` cut at `cuts` and returns everything the masker let through. */
function streamed(text: string, cuts: number[], secrets: string[], options?: MaskerOptions): string {
  const masker = createMasker(secrets, options);
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += masker.push(text.slice(from, cut));
    from = cut;
  }
  return out + masker.flush();
}

/** Asserts the expected output for the whole text, every single cut and every pair of cuts. */
function expectAllSplits(text: string, secrets: string[], expected: string, options?: MaskerOptions): void {
  expect(streamed(text, [], secrets, options)).toBe(expected);
  for (let i = 0; i <= text.length; i++) {
    expect(streamed(text, [i], secrets, options), `cut at ${i}`).toBe(expected);
    for (let j = i; j <= text.length; j++) {
      expect(streamed(text, [i, j], secrets, options), `cuts at ${i}, ${j}`).toBe(expected);
    }
  }
}

describe('masked values', () => {
  it.each<[string, string[], string]>([
    ['password is s3cr3t!', ['s3cr3t'], 'password is [MASKED]!'],
    ['s3cr3t s3cr3ts3cr3t', ['s3cr3t'], '[MASKED] [MASKED][MASKED]'],
    ['nothing here', ['s3cr3t'], 'nothing here'],
    // Values are trimmed; empty values are ignored.
    ['tok3n', ['  tok3n\n', '', '   '], '[MASKED]'],
    // Longest first: the longer secret is masked before a shorter one can cut into it.
    ['abcdef', ['bcdef', 'ab'], 'a[MASKED]'],
    ['abcdef abc', ['abc', 'abcdef'], '[MASKED] [MASKED]'],
    // A mask already written is not masked again by a shorter secret.
    ['xyzxyz', ['xyzxyz', 'ASK'], '[MASKED]'],
    // Self-overlapping secrets.
    ['aaab', ['aab'], 'a[MASKED]'],
    ['abababc', ['ababc'], 'ab[MASKED]'],
    ['multi\nline secret', ['line\nsec', 'multi\nline'], '[MASKED] secret'],
    ['ünïcödé ✓ end', ['ïcödé ✓'], 'ün[MASKED] end'],
  ])('%j with %j → %j', (text, secrets, expected) => {
    expect(maskText(text, secrets)).toBe(expected);
  });

  it('masks across every chunk boundary', () => {
    expectAllSplits('pre s3cr3t mid abcdef post', ['s3cr3t', 'abcdef', 'cde'], 'pre [MASKED] mid [MASKED] post');
    expectAllSplits('aaab aab', ['aab'], 'a[MASKED] [MASKED]');
    expectAllSplits('xx ab xx', ['abc'], 'xx ab xx');
  });

  it('holds back only a possible beginning of a secret', () => {
    const masker = createMasker(['secret']);
    expect(masker.push('hello sec')).toBe('hello ');
    expect(masker.push('ond')).toBe('second');
    expect(masker.push('no match here')).toBe('no match here');
    expect(masker.push('secr')).toBe('');
    expect(masker.push('et!')).toBe('[MASKED]!');
    expect(masker.push('s')).toBe('');
    expect(masker.flush()).toBe('s');
  });
});

describe('token prefixes', () => {
  it.each<[string, string]>([
    ['token glpat-abc123XYZ_-.= end', 'token glpat-[MASKED] end'],
    ['glrt-t1_abc, gldt-x', 'glrt-[MASKED], gldt-[MASKED]'],
    ['glrtr-abc', 'glrtr-[MASKED]'],
    ['cookie _gitlab_session=abcdef;', 'cookie _gitlab_session=[MASKED];'],
    // Nothing after the prefix: nothing to mask.
    ['glpat- and glpat-', 'glpat- and glpat-'],
    ['glpat-glrt-abc', 'glpat-[MASKED]'],
    ['xglpat-abc', 'xglpat-[MASKED]'],
    ['GLPAT-abc', 'GLPAT-abc'],
  ])('%j → %j', (text, expected) => {
    expect(maskText(text, [])).toBe(expected);
  });

  it('masks only glpat- by default when FF_MASK_ALL_DEFAULT_TOKENS is off, plus payload prefixes', () => {
    expect(maskText('glpat-a glrt-b', [], { maskAllDefaultTokens: false })).toBe('glpat-[MASKED] glrt-b');
    expect(maskText('mytok_abc glrt-b', [], { maskAllDefaultTokens: false, tokenPrefixes: ['mytok_'] })).toBe(
      'mytok_[MASKED] glrt-b',
    );
  });

  it('masks tokens across every chunk boundary without holding the token back', () => {
    expectAllSplits('a glpat-abc d glrt-x', [], 'a glpat-[MASKED] d glrt-[MASKED]');
    const masker = createMasker([]);
    expect(masker.push('key: glpat-ab')).toBe('key: glpat-[MASKED]');
    expect(masker.push('cdef more')).toBe(' more');
  });
});

describe('URL parameters', () => {
  it.each<[string, string]>([
    ['GET https://x.test/api?private_token=abc123&page=2 ok', 'GET https://x.test/api?private_token=[MASKED]&page=2 ok'],
    ['https://s3.test/f?X-Amz-Signature=ff00&X-Amz-Credential=AK/2024/eu/s3/aws4_request', 'https://s3.test/f?X-Amz-Signature=[MASKED]&X-Amz-Credential=[MASKED]'],
    ['?rss_token=r1\n?authenticity_token=a b', '?rss_token=[MASKED]\n?authenticity_token=[MASKED] b'],
    ['?x-amz-security-token=t1??next', '?x-amz-security-token=[MASKED]??next'],
    // An empty value is masked too.
    ['?private_token=&a=1', '?private_token=[MASKED]&a=1'],
    // Only after ? or &, with the exact key.
    ['private_token=abc', 'private_token=abc'],
    ['?private_tokens=abc', '?private_tokens=abc'],
    ['?q=private_token=abc', '?q=private_token=abc'],
    ['?other=1&private_token=zz', '?other=1&private_token=[MASKED]'],
  ])('%j → %j', (text, expected) => {
    expect(maskText(text, [])).toBe(expected);
  });

  it('masks parameters across every chunk boundary', () => {
    expectAllSplits('u?a=1&Private_Token=abc&b=2 x', [], 'u?a=1&Private_Token=[MASKED]&b=2 x');
  });

  it('can be turned off', () => {
    expect(maskText('?private_token=abc', [], { sanitizeUrls: false })).toBe('?private_token=abc');
  });

  it('does not mask twice when a masked value is a parameter value', () => {
    expect(maskText('?private_token=s3cr3t&x', ['s3cr3t'])).toBe('?private_token=[MASKED]&x');
  });
});

describe('all stages together', () => {
  it('masks secrets, URL parameters and tokens over every split', () => {
    const text = 'run s3cr3t ?private_token=p&x glpat-zz done';
    expectAllSplits(text, ['s3cr3t'], 'run [MASKED] ?private_token=[MASKED]&x glpat-[MASKED] done');
  });
});
