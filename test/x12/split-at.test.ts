import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitAt } from '../../src/x12/segment.js';

describe('splitAt', () => {
  it('is String.prototype.split for a one-character separator', () => {
    const unit = fc.constantFrom('*', 'A', '~', ':', '^', 'é', '\u00ff', ' ', '0');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.constantFrom('*', '|', '\u00ff', 'é'), (s, sep) => {
        expect(splitAt(s, sep)).toEqual(s.split(sep));
      }),
      { numRuns: 5000 },
    );
    expect(splitAt('', '*')).toEqual(['']);
    expect(splitAt('*', '*')).toEqual(['', '']);
    expect(splitAt('NM1*IL*1**', '*')).toEqual(['NM1', 'IL', '1', '', '']);
  });
});
