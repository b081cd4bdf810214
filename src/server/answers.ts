import { createHash } from 'node:crypto';
import type { Bundle } from '@medplum/fhirtypes';
import { inquiryResponseToBundle, responseToBundle } from '../mapping/index.js';
import { PAS_PROFILE } from '../pas/constants.js';
import type { PasVersion } from '../pas/versions.js';
import { MemoryControlNumbers, readX12Buffer, type TransactionSet } from '../x12/index.js';
import type { ItemDecision } from '../store/types.js';
import { pruneResponse, renderResponse, responseBody } from './simulator/respond.js';
import { decisionsOf, factsOf, type Facts278 } from './x12-facts.js';

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The 278 transaction sets of an interchange text, with the envelope's own problems. */
export function transactionsOf(text: string): { txs: TransactionSet[]; problems: string[] } {
  const txs: TransactionSet[] = [];
  const problems: string[] = [];
  for (const ev of readX12Buffer(Buffer.from(text, 'latin1'))) {
    if (ev.kind === 'transaction') {
      if (ev.transaction.type === '278') txs.push(ev.transaction);
      else problems.push(`a ${ev.transaction.type} came back instead of a 278`);
    } else if (ev.kind === 'finding' && ev.finding.severity === 'error') problems.push(ev.finding.code);
  }
  return { txs, problems };
}

export interface ConvertedResponse {
  bundle: Bundle;
  facts: Facts278;
  items: ItemDecision[];
}

/** A 278 response (X217) -> the PAS Response Bundle answering `request`, with its item decisions. A problem names finding codes only (it is logged: no values). */
export function convertResponse(tx: TransactionSet, pasVersion: PasVersion, request: Bundle): ConvertedResponse | { problem: string } {
  if (!tx.accepted) return { problem: `the 278 response ${tx.control} is rejected: ${tx.findings.map((f) => f.code).join(', ')}` };
  const facts = factsOf(tx);
  if (facts.purpose !== '11') return { problem: `the 278 ${tx.control} is not a response (BHT02 ${facts.purpose})` };
  const inquiry = tx.implementation === '005010X215';
  const r = inquiry ? inquiryResponseToBundle(tx, { pasVersion, request }) : responseToBundle(tx, { pasVersion, request });
  if (r.bundle === null) return { problem: `the 278 response ${tx.control} could not be read: ${r.findings.filter((f) => f.severity === 'error').map((f) => f.code).join(', ')}` };
  return { bundle: r.bundle, facts, items: decisionsOf(facts) };
}

/**
 * The answer when the UM system has not answered within the budget: every item pended (A4), as
 * the 278 response a UM system would send for that, translated like any other.
 */
export function pendedResponse(requestTx: TransactionSet, itemCount: number, pasVersion: PasVersion, request: Bundle): ConvertedResponse | { problem: string } {
  const verdict = { error: null, items: Array.from({ length: itemCount }, () => ({ decision: 'A4' as const })) };
  const pruned = pruneResponse(requestTx, responseBody(requestTx, verdict, () => ''));
  if (pruned.errors.length > 0) return { problem: pruned.errors.join('; ') };
  const text = renderResponse(requestTx, pruned.body, new MemoryControlNumbers());
  const { txs } = transactionsOf(text);
  return convertResponse(txs[0]!, pasVersion, request);
}

/** A stored Response Bundle as an Inquiry Response Bundle (the same content; the inquiry profiles). */
export function asInquiryResponse(bundle: Bundle): Bundle {
  const b = structuredClone(bundle) as Bundle & { meta?: unknown };
  b.meta = { profile: [PAS_PROFILE.inquiryResponseBundle] };
  const first = b.entry?.[0]?.resource as { resourceType?: string; meta?: unknown } | undefined;
  if (first?.resourceType === 'ClaimResponse') first.meta = { profile: [PAS_PROFILE.claimInquiryResponse] };
  return b;
}
