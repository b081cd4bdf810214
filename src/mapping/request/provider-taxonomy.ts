/**
 * The provider taxonomy (NUCC) a care-team member or requester states, for PRV03 (2010B, 2010EA,
 * 2010F with PRV02 PXC). The rows read `Claim.careTeam.qualification` (members) and the
 * requester's PractitionerRole `specialty` (requester); a bundle may state it elsewhere instead:
 * the member's PractitionerRole `specialty`, or a `Practitioner.qualification` coded in NUCC.
 */

type Obj = Record<string, unknown>;

export const NUCC_TAXONOMY = 'http://nucc.org/provider-taxonomy';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The NUCC coding of a CodeableConcept, as a CodeableConcept of that coding alone (the same coding object). */
function nucc(cc: unknown): Obj | null {
  if (!isObj(cc) || !Array.isArray(cc.coding)) return null;
  const c = (cc.coding as unknown[]).find((x) => isObj(x) && x.system === NUCC_TAXONOMY && typeof x.code === 'string');
  return c === undefined ? null : { coding: [c] };
}

export interface StatedTaxonomy {
  /** A CodeableConcept holding the NUCC coding (the bundle's own coding object). */
  readonly cc: Obj;
  /** The bundle's object it was stated in (a specialty or a qualification entry), for its path. */
  readonly source: Obj;
  readonly from: 'specialty' | 'qualification';
}

/** The first NUCC taxonomy `provider` (a practitioner with its role's specialty, as disassemble.ts shows it) states. */
export function statedTaxonomy(provider: Obj, which: ReadonlyArray<'specialty' | 'qualification'> = ['specialty', 'qualification']): StatedTaxonomy | null {
  if (which.includes('specialty') && Array.isArray(provider.specialty)) {
    for (const s of provider.specialty as unknown[]) {
      const cc = nucc(s);
      if (cc !== null) return { cc, source: s as Obj, from: 'specialty' };
    }
  }
  if (which.includes('qualification') && Array.isArray(provider.qualification)) {
    for (const q of provider.qualification as unknown[]) {
      const cc = isObj(q) ? nucc(q.code) : null;
      if (cc !== null) return { cc, source: q as Obj, from: 'qualification' };
    }
  }
  return null;
}
