import { describe, expect, it } from 'vitest';
import { sectionEnd, sectionStart } from '../../src/log/sections.js';

describe('section markers (runner-behavior.md §10.1)', () => {
  const time = new Date('2026-05-08T09:28:47.185Z');

  it('writes section_start:<unix seconds>:<name> then CR and ESC[0K, no newline', () => {
    expect(sectionStart('restore_cache', time)).toBe('section_start:1778232527:restore_cache\r\x1b[0K');
  });

  it('writes section_end the same way', () => {
    expect(sectionEnd('get_sources', time)).toBe('section_end:1778232527:get_sources\r\x1b[0K');
  });

  it('appends options in brackets right after the name', () => {
    expect(sectionStart('section_script_step_0', time, { hideDuration: true, collapsed: true })).toBe(
      'section_start:1778232527:section_script_step_0[hide_duration=true,collapsed=true]\r\x1b[0K',
    );
  });
});
