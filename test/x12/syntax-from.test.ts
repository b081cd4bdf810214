import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getSegmentDef, segmentIds } from '../../src/x12/dictionary.js';
import { checkSegmentFrom, checkSegmentSyntax, separatorCode } from '../../src/x12/syntax.js';

// checkSegmentFrom (what analyzeTransaction uses: a segment's elements() as they are, id first)
// must say what checkSegmentSyntax says of the elements without the id.
const ids = segmentIds();
const chars = fc.constantFrom('A', 'Z', '0', '9', '1', '-', '.', ' ', ':', '^', 'é');
const value = fc.oneof(fc.constant(''), fc.string({ unit: chars, maxLength: 12 }), fc.constantFrom('20250131', '1230', '-1.5', 'RD8', '20250131-20250224', 'HC:99213:GO'));

describe('checkSegmentFrom', () => {
  it('finds what checkSegmentSyntax finds, on random and damaged segments', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.array(value, { maxLength: 24 }), fc.constantFrom(':', ''), fc.constantFrom('^', null), (id, elements, component, repetition) => {
        const def = getSegmentDef(id)!;
        const whole = checkSegmentSyntax(id, elements, component, repetition);
        const from = checkSegmentFrom(def, [id, ...elements], 1, separatorCode(component), separatorCode(repetition));
        expect(from).toEqual(whole);
      }),
      { numRuns: 3000 },
    );
  });
});
