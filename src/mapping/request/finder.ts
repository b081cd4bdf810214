/**
 * Which of many PAS Request (or Inquiry Request) Bundles a 278 response answers: the response
 * echoes the request's BHT03 (Bundle.identifier) and its 2000E trace number (TRN02 with TRN03,
 * the request Claim's `urn:trnorg:` identifier). Used by `convert --request FILE` so each response
 * references its Claim and takes its items' sequences.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { TransactionSet } from '../../x12/index.js';

type Obj = Record<string, unknown>;

/** How a response was matched to a request, or why it was not. */
export type RequestMatch =
  /** `trace`: by the trace number (or, for a response bundle, the Claim it references); `reference`: by BHT03. */
  | { readonly bundle: Bundle; readonly by: 'trace' | 'reference' }
  | { readonly bundle: null; readonly why: 'none' | 'ambiguous' };

const TRN_ORG = 'urn:trnorg:';

export class RequestFinder {
  private readonly byReference = new Map<string, Bundle[]>();
  private readonly byTrace = new Map<string, Bundle[]>();
  /** By the Claim's `Claim/<id>` and its entry's fullUrl. */
  private readonly byClaim = new Map<string, Bundle[]>();
  /** How many bundles were added. */
  size = 0;

  /** Adds a request bundle: indexed by its Bundle.identifier and its Claim's trace numbers. */
  add(bundle: Bundle): void {
    this.size++;
    const ref = bundle.identifier?.value;
    if (typeof ref === 'string') push(this.byReference, ref, bundle);
    const entry = bundle.entry?.find((e) => e.resource?.resourceType === 'Claim');
    const claim = entry?.resource as Obj | undefined;
    if (typeof claim?.id === 'string') push(this.byClaim, `Claim/${claim.id}`, bundle);
    if (typeof entry?.fullUrl === 'string') push(this.byClaim, entry.fullUrl, bundle);
    const ids = claim?.identifier;
    if (!Array.isArray(ids)) return;
    for (const id of ids as Obj[]) {
      if (typeof id.value !== 'string' || typeof id.system !== 'string' || !id.system.startsWith(TRN_ORG)) continue;
      push(this.byTrace, traceKey(id.value, id.system.slice(TRN_ORG.length)), bundle);
    }
  }

  /**
   * The request a response answers: by an echoed 2000E trace number (TRN*2 with the request's
   * TRN02/TRN03) first, else by BHT03. Two requests with the same key are not guessed between.
   */
  find(tx: TransactionSet): RequestMatch {
    let bht03: string | undefined;
    let traced: RequestMatch | null = null;
    for (const s of tx.segments) {
      const id = s.id;
      if (id === 'BHT') bht03 = s.elements()[3];
      // An echoed trace (TRN01 2) that names a request Claim: the 2000E's (a 2000F echo names an item, not a Claim).
      else if (id === 'TRN' && traced === null) {
        const e = s.elements();
        const list = e[1] === '2' && e[2] !== undefined && e[3] !== undefined ? this.byTrace.get(traceKey(e[2], e[3])) : undefined;
        if (list !== undefined) traced = list.length === 1 ? { bundle: list[0]!, by: 'trace' } : { bundle: null, why: 'ambiguous' };
      }
    }
    if (traced !== null) return traced;
    return this.byBht03(bht03);
  }

  /**
   * The request a PAS Response Bundle answers: the Claim its ClaimResponse.request references
   * (or the trace number it names), else the request with its Bundle.identifier (BHT03).
   */
  findForBundle(response: Bundle): RequestMatch {
    const cr = response.entry?.[0]?.resource as Obj | undefined;
    const req = cr?.request as { reference?: unknown; identifier?: { system?: unknown; value?: unknown } } | undefined;
    const byRef = typeof req?.reference === 'string' ? one(this.byClaim.get(req.reference)) : null;
    const id = req?.identifier;
    const byId = typeof id?.value === 'string' && typeof id.system === 'string' && id.system.startsWith(TRN_ORG) ? one(this.byTrace.get(traceKey(id.value, id.system.slice(TRN_ORG.length)))) : null;
    for (const hit of [byRef, byId]) {
      if (hit === 'ambiguous') return { bundle: null, why: 'ambiguous' };
      if (hit !== null) return { bundle: hit, by: 'trace' };
    }
    return this.byBht03(response.identifier?.value);
  }

  private byBht03(bht03: string | undefined): RequestMatch {
    const hit = bht03 !== undefined ? one(this.byReference.get(bht03)) : null;
    if (hit === null) return { bundle: null, why: 'none' };
    return hit === 'ambiguous' ? { bundle: null, why: 'ambiguous' } : { bundle: hit, by: 'reference' };
  }
}

/** The bundle a key names: one, or none when no bundle or two have it. */
function one(list: Bundle[] | undefined): Bundle | 'ambiguous' | null {
  if (list === undefined) return null;
  return list.length === 1 ? list[0]! : 'ambiguous';
}

function traceKey(value: string, org: string): string {
  return `${org}|${value}`;
}

function push(m: Map<string, Bundle[]>, k: string, b: Bundle): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [b]);
  else if (!list.includes(b)) list.push(b);
}
