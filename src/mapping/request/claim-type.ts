/** Claim.type and the service line segment (SV1, SV2, SV3) it goes with, both ways. */

type Obj = Record<string, unknown>;

/**
 * Claim.type from the service lines read: the kind of service line (an SV2 with a procedure and no
 * revenue code is still institutional, SV3 is oral); with none, a revenue code says institutional.
 */
export function claimTypeOf(serviceSegments: ReadonlySet<string> | undefined, items: readonly Obj[]): 'institutional' | 'oral' | 'professional' {
  let institutional = serviceSegments?.has('SV2') === true;
  for (let i = 0; i < items.length; i++) if (items[i]!.revenue !== undefined) institutional = true;
  return institutional ? 'institutional' : serviceSegments?.has('SV3') === true ? 'oral' : 'professional';
}

/** The service line segment a Claim's type names (null when it names none of them). */
export function serviceSegmentOf(claim: Obj | null | undefined): string | null {
  const code = (((claim?.type as Obj | undefined)?.coding as Obj[] | undefined) ?? [])[0]?.code;
  return code === 'professional' ? 'SV1' : code === 'institutional' ? 'SV2' : code === 'oral' ? 'SV3' : null;
}

