import type { TransactionSet } from '../../src/x12/index.js';
import { transactions } from '../mapping/support.js';
import { corpusFiles } from './corpus.js';

/** BHT02 of a request (the request grammar's purposes: 01 cancel, 13 request, 36). */
const REQUEST_PURPOSES = new Set(['01', '13', '36']);

/**
 * X217 requests left out, with the defect that makes them unreadable as 278 requests. The whole
 * negative-synthetic folder is, per PROVENANCE.md, "synthetic X217/X215 files that break the
 * guide's structure (wrong HL codes, segments before their HL, wrong SE01, GS01 HS, missing
 * ST03). Use only to check rejection and error reports"; for each request among them, what breaks it.
 */
export const EXCLUDED: Readonly<Record<string, string>> = {
  'negative-synthetic/test-x12-278-review-request.x12': 'response data in a request: HCR at a 2000D (HL 23) level that has no dependent name loop',
  'negative-synthetic/x217-cancellation-request.x12': 'GS01 HS, no ST03; UM, subscriber NM1 and TRN sit in the 2000A UMO level (segments before their HL); no requester, subscriber or event level',
  'negative-synthetic/x217-inpatient-request.x12': 'GS01 HS, no ST03; patient, UM, HI, HSD inside the 2000A UMO level; HL level code 19 is no X217 level',
  'negative-synthetic/x217-outpatient-request.x12': 'GS01 HS, no ST03; patient, UM, HI, HSD, SV1 inside the 2000A UMO level; HL level code 19 is no X217 level',
  'negative-synthetic/x217-referral-request.x12': 'GS01 HS, no ST03; patient, UM, HI inside the 2000A UMO level; HL level code 19 is no X217 level',
  'negative-synthetic/x217-revision-request.x12': 'GS01 HS, no ST03; UM, subscriber NM1, REF, DTP and TRN inside the 2000A UMO level; no requester, subscriber or event level',
};

function bht02(tx: TransactionSet): string | undefined {
  const bht = tx.segments.find((s) => s.id === 'BHT');
  return bht?.elements()[2];
}

export interface Case {
  file: string;
  tx: TransactionSet;
}

/** Every corpus transaction set that is an X217 request by content: ST03 005010X217 and BHT02 a request purpose. */
export function corpusRequests(): Case[] {
  const out: Case[] = [];
  for (const f of corpusFiles()) {
    for (const tx of transactions(f.bytes)) {
      if (tx.implementation === '005010X217' && REQUEST_PURPOSES.has(bht02(tx) ?? '')) out.push({ file: f.name, tx });
    }
  }
  return out;
}

/** The corpus requests that are readable as 278 requests (EXCLUDED left out). */
export function includedCorpusRequests(): Case[] {
  return corpusRequests().filter((c) => EXCLUDED[c.file] === undefined);
}
