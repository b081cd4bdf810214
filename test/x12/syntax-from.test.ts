import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getSegmentDef, segmentIds } from '../../src/x12/dictionary.js';
import type { SegmentDef } from '../../src/x12/dictionary.js';
import { checkSegmentAgainst, checkSegmentFrom, checkSegmentSyntax, separatorCode, syntaxPaths } from '../../src/x12/syntax.js';

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

  it('the one scan of plain simple elements finds what the general walk finds', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.array(value, { maxLength: 24 }), fc.constantFrom(':', ''), fc.constantFrom('^', null), (id, elements, component, repetition) => {
        const fast = checkSegmentSyntax(id, elements, component, repetition);
        syntaxPaths.oneScan = false;
        try {
          expect(fast).toEqual(checkSegmentSyntax(id, elements, component, repetition));
        } finally {
          syntaxPaths.oneScan = true;
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('... and on elements that repeat (none does in the 278 dictionary: made so here)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 30, maxLength: 30 }), fc.array(value, { maxLength: 24 }), fc.constantFrom('^', null), (id, repeats, elements, repetition) => {
        const def = getSegmentDef(id)!;
        const seg: SegmentDef = { ...def, elements: def.elements.map((e, i) => ({ ...e, repeat: repeats[i]! })) };
        const fast = checkSegmentAgainst(seg, elements, ':', repetition);
        syntaxPaths.oneScan = false;
        try {
          expect(fast).toEqual(checkSegmentAgainst(seg, elements, ':', repetition));
        } finally {
          syntaxPaths.oneScan = true;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
