/**
 * Which of many PAS Request (or Inquiry Request) Bundles a 278 response answers: the response
 * echoes the request's BHT03 (Bundle.identifier) and its 2000E trace number (TRN02 with TRN03,
 * the request Claim's `urn:trnorg:` identifier). Used by `convert --request FILE` so each response
 * references its Claim and takes its items' sequences.
 */
import type { Bundle } from '@medplum/fhirtypes';
import type { TransactionSet } from '../x12/index.js';

type Obj = Record<string, unknown>;

/** How a response was matched to a request, or why it was not. */
export type RequestMatch =
  | { readonly bundle: Bundle; readonly by: 'trace' | 'reference' }
  | { readonly bundle: null; readonly why: 'none' | 'ambiguous' };

const TRN_ORG = 'urn:trnorg:';

export class RequestFinder {
  private readonly byReference = new Map<string, Bundle[]>();
  private readonly byTrace = new Map<string, Bundle[]>();
  /** How many bundles were added. */
  size = 0;

  /** Adds a request bundle: indexed by its Bundle.identifier and its Claim's trace numbers. */
  add(bundle: Bundle): void {
    this.size++;
    const ref = bundle.identifier?.value;
    if (typeof ref === 'string') push(this.byReference, ref, bundle);
    const claim = bundle.entry?.find((e) => e.resource?.resourceType === 'Claim')?.resource as Obj | undefined;
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
    const list = bht03 !== undefined ? this.byReference.get(bht03) : undefined;
    if (list === undefined) return { bundle: null, why: 'none' };
    return list.length === 1 ? { bundle: list[0]!, by: 'reference' } : { bundle: null, why: 'ambiguous' };
  }
}

function traceKey(value: string, org: string): string {
  return `${org}|${value}`;
}

function push(m: Map<string, Bundle[]>, k: string, b: Bundle): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [b]);
  else if (!list.includes(b)) list.push(b);
}
