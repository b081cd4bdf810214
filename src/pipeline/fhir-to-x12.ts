import { bundlesToRequestX12 } from '../mapping/request-x12.js';
import { responseBundleToX12 } from '../mapping/response-x12.js';
import { MemoryControlNumbers } from '../x12/index.js';
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirItem } from './fhir-input.js';
import { requestFinderFor } from './request-file.js';

/** FHIR items -> one X12 interchange: its text ('' when nothing was written), report lines and counts. */
export interface FhirConversion {
  readonly text: string;
  readonly reports: string[];
  readonly converted: number;
  readonly rejected: number;
}

/** Whether a bundle answers (its first entry a ClaimResponse): written as a 278 response, not a request. */
function isResponse(bundle: Record<string, unknown>): boolean {
  const entries = bundle.entry;
  const first = Array.isArray(entries) ? (entries[0] as { resource?: { resourceType?: unknown } } | undefined) : undefined;
  return first?.resource?.resourceType === 'ClaimResponse';
}

/**
 * PAS bundles -> X12: Request and Inquiry Request Bundles into one interchange of 278 requests
 * and inquiries; each Response or Inquiry Response Bundle into an interchange of its own, after
 * it. A bundle that cannot be written (or an item that is not a bundle) is left out and reported;
 * warnings (a time zone X12 cannot hold, a default written) are reported for the bundles written too.
 */
export function fhirItemsToX12(items: readonly FhirItem[], o: { readonly sender?: string; readonly receiver?: string; readonly requests?: readonly string[] }): FhirConversion {
  const bundles = items.flatMap((i) => ('bundle' in i && !isResponse(i.bundle) ? [i] : []));
  const responses = items.flatMap((i) => ('bundle' in i && isResponse(i.bundle) ? [i] : []));
  const reports: string[] = [];
  let rejected = 0;
  for (const i of items) {
    if ('error' in i) {
      rejected++;
      reports.push(JSON.stringify({ file: i.where, status: 'rejected', findings: [{ severity: 'error', code: 'NOT_A_BUNDLE', message: i.error }] }));
    }
  }
  // One allocator for every interchange written: no two share an ISA13 in one output.
  const envelope = { controlNumbers: new MemoryControlNumbers(), ...(o.sender !== undefined ? { sender: o.sender } : {}), ...(o.receiver !== undefined ? { receiver: o.receiver } : {}) };
  const r = bundles.length > 0 ? bundlesToRequestX12(bundles.map((b) => b.bundle), envelope) : { text: '', outcomes: [] };
  let converted = 0;
  for (const x of r.outcomes) {
    if (x.status === 'rejected') rejected++;
    else converted++;
    if (x.status === 'rejected' || x.findings.length > 0) {
      reports.push(JSON.stringify({ file: bundles[x.index]!.where, bundle: x.reference, control: x.control, status: x.status, findings: x.findings }));
    }
  }
  let text = r.text;
  const finder = o.requests !== undefined && o.requests.length > 0 ? requestFinderFor(o.requests) : null;
  for (const item of responses) {
    // The request it answers names the requester when the response does not carry it (--request).
    const match = finder?.findForBundle(item.bundle as unknown as Bundle);
    const w = responseBundleToX12(item.bundle, { ...envelope, ...(match?.bundle ? { request: match.bundle } : {}) });
    const status = w.text === null ? 'rejected' : 'converted';
    if (w.text === null) rejected++;
    else {
      converted++;
      text += w.text;
    }
    if (w.text === null || w.findings.length > 0) {
      const reference = (item.bundle.identifier as { value?: unknown } | undefined)?.value ?? null;
      reports.push(JSON.stringify({ file: item.where, bundle: reference, status, findings: w.findings }));
    }
  }
  return { text, reports, converted, rejected };
}
