import { describe, expect, it } from 'vitest';
import { featureFlagOn } from '../../src/variables/feature-flags.js';

const vars = (values: Record<string, string>) => (key: string) => values[key];

describe('feature flags', () => {
  it('takes [runners.feature_flags] first, then the job variable, then the default', () => {
    expect(featureFlagOn('FF_X', vars({ FF_X: 'true' }), { FF_X: false }, true)).toBe(false);
    expect(featureFlagOn('FF_X', vars({ FF_X: 'true' }), {}, false)).toBe(true);
    expect(featureFlagOn('FF_X', vars({}), {}, true)).toBe(true);
    expect(featureFlagOn('FF_X', vars({}), { FF_X: true }, false)).toBe(true);
  });

  it('reads the variable as Go’s ParseBool does', () => {
    for (const yes of ['1', 't', 'T', 'true', 'TRUE', 'True']) expect(featureFlagOn('FF_X', vars({ FF_X: yes }), {}, false)).toBe(true);
    for (const no of ['0', 'f', 'false', 'yes', 'on', '']) expect(featureFlagOn('FF_X', vars({ FF_X: no }), {}, true)).toBe(false);
  });
});
