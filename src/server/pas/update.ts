/**
 * PAS Claim Updates through the gateway. An update (PASClaimUpdate, or a Claim whose `related`
 * names its prior) is linked to the prior submission in the store (by the prior Claim's
 * identifier, among the same submitter's); it is refused, as PAS says (one OperationOutcome), when
 * the prior is unknown, still being answered, or already ended (every item not certified or
 * cancelled). The 278 the mapping writes for it carries only the items the update adds, changes or
 * cancels; the gateway adds each changed item's prior authorization number (2000F REF*BB) so the
 * UM system finds its record. The answer is the merged state: the prior's items, with those the
 * update sent replaced by the UM system's new decisions; cancelled items end.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { disassembleRequest, hasProfile } from '../../mapping/request/disassemble.js';
import { PAS_EXTENSION } from '../../pas/constants.js';
import type { ItemDecision, SubmissionRecord } from '../../store/types.js';
import type { Gateway } from '../gateway.js';
import { operationOutcome, type HttpAnswer } from '../outcome.js';
import { PAS_PROFILE } from '../../pas/constants.js';
import { isObj } from '../../mapping/engine/obj.js';

type Obj = Record<string, unknown>;

/** One item the 278 carries: the Claim.item it stands for, and whether it goes as a cancel. */
export interface SentItem {
  sequence: number | null;
  cancelled: boolean;
}

/** What an update carries into the exchange: the prior in its current state. */
export interface UpdateContext {
  /** The submission holding the current state (the prior, or the last update of its chain). */
  prior: SubmissionRecord;
  priorItems: ItemDecision[];
}

const claimOf = (bundle: Bundle | Obj): Obj | null => {
  const e = (bundle as Obj).entry;
  const first = Array.isArray(e) && isObj(e[0]) ? (e[0] as Obj).resource : undefined;
  return isObj(first) && first.resourceType === 'Claim' ? first : null;
};

/** Whether a request bundle is a Claim Update (the mapping's rule: PASClaimUpdate, or a Claim naming a related one). */
export function isClaimUpdate(bundle: Bundle | Obj): boolean {
  const claim = claimOf(bundle);
  return claim !== null && (hasProfile(claim, PAS_PROFILE.claimUpdate) || (Array.isArray(claim.related) && claim.related.length > 0));
}

/**
 * The identifiers of the Claim an update names in `related.claim`: the identifiers of the Claim
 * that reference resolves to inside the bundle (PAS includes the prior Claim), or the logical
 * reference's own identifier.
 */
export function priorIdentifiers(bundle: Bundle | Obj): string[] {
  const claim = claimOf(bundle);
  if (claim === null || !Array.isArray(claim.related)) return [];
  const entries = Array.isArray((bundle as Obj).entry) ? ((bundle as Obj).entry as unknown[]).filter(isObj) : [];
  const out: string[] = [];
  for (const rel of claim.related as unknown[]) {
    if (!isObj(rel) || !isObj(rel.claim)) continue;
    const ref = rel.claim;
    if (isObj(ref.identifier) && typeof ref.identifier.value === 'string') out.push(ref.identifier.value);
    if (typeof ref.reference !== 'string') continue;
    const r = ref.reference;
    for (const e of entries) {
      const res = e.resource;
      if (!isObj(res) || res.resourceType !== 'Claim' || res === claim) continue;
      if (e.fullUrl === r || `Claim/${String(res.id)}` === r || (typeof e.fullUrl === 'string' && e.fullUrl.endsWith(`/${r}`))) {
        for (const id of Array.isArray(res.identifier) ? (res.identifier as unknown[]) : []) if (isObj(id) && typeof id.value === 'string') out.push(id.value);
      }
    }
  }
  return [...new Set(out)];
}

/** The items the 278 of this bundle carries, in order (the mapping decides which: it is asked, not copied). */
export function sentItems(bundle: Bundle | Obj): SentItem[] {
  const { source } = disassembleRequest(bundle);
  if (source === null) return [];
  return source.items.map(({ item }) => ({ sequence: typeof item.sequence === 'number' ? item.sequence : null, cancelled: certificationCode(item) === '3' }));
}

function certificationCode(item: Obj): unknown {
  for (const x of Array.isArray(item.extension) ? (item.extension as unknown[]) : []) {
    if (!isObj(x) || x.url !== PAS_EXTENSION.certificationType || !isObj(x.valueCodeableConcept)) continue;
    const coding = x.valueCodeableConcept.coding;
    if (Array.isArray(coding) && isObj(coding[0])) return coding[0].code;
  }
  return undefined;
}

/** An item's sequence: stored, else its place (submissions stored before sequences were kept send every item in order). */
export const sequenceOf = (i: ItemDecision): number => i.sequence ?? i.position;

/** Whether an item is over: cancelled, or not certified (A3). */
const ended = (i: ItemDecision): boolean => i.cancelled === true || i.decision === 'A3';

/**
 * Finds the prior an update names and checks it may be updated. Null when the bundle is no
 * update; else the context, or the 4xx answer (nothing is stored or sent for a refused update).
 */
export function priorOf(g: Gateway, bundle: Bundle, submitter: string): UpdateContext | { answer: HttpAnswer; outcome: string } | null {
  if (!isClaimUpdate(bundle)) return null;
  const where = ['Bundle.entry[0].resource.related[0].claim'];
  const ids = priorIdentifiers(bundle);
  if (ids.length === 0) {
    return { answer: operationOutcome(422, [{ code: 'not-found', text: 'a Claim Update must name its prior Claim in related.claim (included in the bundle, with its identifier)', expression: where }]), outcome: 'update-unknown' };
  }
  const named = g.store.findClaim(submitter, ids);
  const prior = named === null ? null : g.store.latest(named.id);
  if (prior === null) {
    return { answer: operationOutcome(422, [{ code: 'not-found', text: 'no prior submission of this submitter has the Claim identifier the update names; submit a new request', expression: where }]), outcome: 'update-unknown' };
  }
  if (prior.state !== 'answered') {
    return { answer: operationOutcome(409, [{ code: 'conflict', text: 'the prior submission is still being answered; send the update once it is', expression: where }]), outcome: 'update-conflict' };
  }
  const priorItems = g.store.items(prior.id);
  if (priorItems.length === 0 || priorItems.every(ended)) {
    const why = priorItems.length > 0 && priorItems.every((i) => i.cancelled === true) ? 'was cancelled' : priorItems.length === 0 ? 'was rejected (no item was decided)' : 'is over: no item of it is certified or pending';
    return { answer: operationOutcome(422, [{ code: 'business-rule', text: `the prior authorization request ${why}; it cannot be updated (submit a new request)`, expression: where }]), outcome: 'update-refused' };
  }
  const cancelledBefore = new Set(priorItems.filter((i) => i.cancelled === true).map(sequenceOf));
  const revived = sentItems(bundle).find((s) => s.sequence !== null && cancelledBefore.has(s.sequence) && !s.cancelled);
  if (revived !== undefined) {
    return { answer: operationOutcome(422, [{ code: 'business-rule', text: `item ${revived.sequence} was cancelled before; a cancelled item cannot be requested again (add it as a new item)`, expression: ['Bundle.entry[0].resource.item'] }]), outcome: 'update-refused' };
  }
  return { prior, priorItems };
}

/**
 * A copy of the update bundle whose Claim items carry their prior authorization numbers
 * (extension-authorizationNumber, written as 2000F REF*BB) where they have none of their own.
 */
export function withPriorNumbers(bundle: Bundle, priorItems: readonly ItemDecision[]): Bundle {
  const bySeq = new Map(priorItems.filter((i) => i.authNumber !== null).map((i) => [sequenceOf(i), i.authNumber!] as const));
  if (bySeq.size === 0) return bundle;
  const copy = structuredClone(bundle) as unknown as Obj;
  const claim = claimOf(copy)!;
  for (const item of Array.isArray(claim.item) ? (claim.item as unknown[]).filter(isObj) : []) {
    const n = typeof item.sequence === 'number' ? bySeq.get(item.sequence) : undefined;
    const ext = Array.isArray(item.extension) ? (item.extension as unknown[]) : [];
    if (n === undefined || ext.some((x) => isObj(x) && x.url === PAS_EXTENSION.authorizationNumber)) continue;
    item.extension = [...ext, { url: PAS_EXTENSION.authorizationNumber, valueString: n }];
  }
  return copy as unknown as Bundle;
}

/** Item decisions of a 278 response with the sequences (and cancels) of the items the request sent, in order. */
export function withSequences(items: readonly ItemDecision[], sent: readonly SentItem[]): ItemDecision[] {
  return items.map((d) => {
    const s = sent[d.position - 1];
    return { ...d, sequence: s?.sequence ?? d.sequence ?? null, cancelled: s?.cancelled === true || d.decision === 'C' };
  });
}

/**
 * The merged state: `base`'s items, with those of `change` (by sequence) in their place; numbered
 * again in sequence order.
 */
export function mergeItems(base: readonly ItemDecision[], change: readonly ItemDecision[]): ItemDecision[] {
  const out = new Map<number, ItemDecision>();
  for (const i of base) out.set(sequenceOf(i), { ...i, sequence: sequenceOf(i) });
  for (const i of change) out.set(sequenceOf(i), { ...i, sequence: sequenceOf(i), cancelled: i.cancelled === true || out.get(sequenceOf(i))?.cancelled === true });
  return [...out.values()].sort((a, b) => sequenceOf(a) - sequenceOf(b)).map((i, k) => ({ ...i, position: k + 1 }));
}

/**
 * A Response Bundle with its ClaimResponse's items (and addItems) for `take` sequences from
 * `frame`, the others from `other`; in sequence order. The frame gives everything else.
 * The ClaimResponse items of `frame` are renumbered to the sent items' sequences first, in order
 * (a UM system answers the service levels in the order they were sent).
 */
export function mergeResponse(frame: Bundle, other: Bundle | null, take: ReadonlySet<number>): Bundle {
  const out = structuredClone(frame) as unknown as Obj;
  const cr = claimResponseOf(out);
  const from = other === null ? null : claimResponseOf(other as unknown as Obj);
  if (cr === null) return frame;
  const seqOf = (x: unknown): number => (isObj(x) && typeof x.itemSequence === 'number' ? x.itemSequence : -1);
  const firstSeqOf = (x: unknown): number => (isObj(x) && Array.isArray(x.itemSequence) && typeof x.itemSequence[0] === 'number' ? x.itemSequence[0] : -1);
  const pick = (key: 'item' | 'addItem', seq: (x: unknown) => number): unknown[] => {
    const mine = (Array.isArray(cr[key]) ? (cr[key] as unknown[]) : []).filter((x) => take.has(seq(x)));
    const theirs = from !== null && Array.isArray(from[key]) ? (from[key] as unknown[]).filter((x) => !take.has(seq(x))) : [];
    return [...mine, ...theirs].sort((a, b) => seq(a) - seq(b));
  };
  const items = pick('item', seqOf);
  const added = pick('addItem', firstSeqOf);
  if (items.length > 0) cr.item = items;
  if (added.length > 0) cr.addItem = added;
  else delete cr.addItem;
  return out as unknown as Bundle;
}

/** Sets the ClaimResponse items' sequences to the sent items', in order (when the counts agree). */
export function renumberResponse(bundle: Bundle, sent: readonly SentItem[]): void {
  const cr = claimResponseOf(bundle as unknown as Obj);
  if (cr === null || !Array.isArray(cr.item)) return;
  const items = (cr.item as unknown[]).filter(isObj);
  if (items.length !== sent.length || sent.some((s) => s.sequence === null)) return;
  // Correlated already (each level echoed its item's trace number): kept as it is.
  const wanted = new Set(sent.map((s) => s.sequence));
  const have = items.map((it) => it.itemSequence);
  if (new Set(have).size === have.length && have.every((q) => typeof q === 'number' && wanted.has(q))) return;
  const map = new Map<number, number>();
  items.forEach((it, k) => {
    if (typeof it.itemSequence === 'number') map.set(it.itemSequence, sent[k]!.sequence!);
    it.itemSequence = sent[k]!.sequence!;
  });
  for (const a of Array.isArray(cr.addItem) ? (cr.addItem as unknown[]).filter(isObj) : []) {
    if (Array.isArray(a.itemSequence)) a.itemSequence = (a.itemSequence as unknown[]).map((s) => (typeof s === 'number' ? (map.get(s) ?? s) : s));
  }
}

function claimResponseOf(bundle: Obj): Obj | null {
  const e = bundle.entry;
  const first = Array.isArray(e) && isObj(e[0]) ? (e[0] as Obj).resource : undefined;
  return isObj(first) && first.resourceType === 'ClaimResponse' ? first : null;
}
