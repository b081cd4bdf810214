// Oracle: src/mapping/inquiry/response.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * An X215 278 inquiry response -> a PAS Inquiry Response Bundle, and the `$inquire` output that
 * carries such bundles. The inquiry response is shaped like the X217 response, so the rows of
 * `mappings/response/` read it, compiled against the `278-x215-response` grammar; only the
 * profiles differ (the inquiry response bundle and ClaimInquiryResponse).
 */
import { bundleMeta } from '../../../../src/mapping/engine/usage-tag.js';
import type { Bundle, Parameters } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../../../../src/grammar/validate.js';
import { PAS_PROFILE } from '../../../../src/pas/constants.js';
import { PAS_VERSION_INFO, type PasVersion } from '../../../../src/pas/versions.js';
import type { TransactionSet } from '../../../../src/x12/index.js';
import { responseToBundle, type ResponseOptions, type ResponseResult } from '../response/read.js';
import { responseTablesCompiled } from '../response/tables.js';
import type { CompiledTables } from '../../../../src/mapping/engine/table.js';

/** The grammar of X215 inquiry responses (mappings/grammar/278-x215-response.json). */
export const INQUIRY_RESPONSE_GRAMMAR = '278-x215-response';

/** The response rows compiled against the X215 response grammar for a PAS version (rows the version has no place for left out, as for X217), once. */
export function inquiryResponseTablesCompiled(version: PasVersion = '2.2.1'): CompiledTables {
  return responseTablesCompiled(version, INQUIRY_RESPONSE_GRAMMAR);
}

type Obj = Record<string, unknown>;

/**
 * An X215 inquiry response -> a PAS Inquiry Response Bundle (2.2.1 or 2.0.1). `request` may be the
 * Inquiry Request Bundle it answers (ClaimResponse.request then references its Claim).
 */
export function inquiryResponseToBundle(tx: TransactionSet, options: ResponseOptions): ResponseResult {
  const tree = options.tree !== undefined ? options.tree : analyzeTransaction(tx).tree;
  const r = responseToBundle(tx, { ...options, tree, tables: options.tables ?? inquiryResponseTablesCompiled(options.pasVersion) });
  const b = r.bundle as unknown as Obj | null;
  if (b === null) return r;
  b.meta = bundleMeta(PAS_PROFILE.inquiryResponseBundle, tx.interchange.usage);
  const first = Array.isArray(b.entry) ? ((b.entry as Obj[])[0]?.resource as Obj | undefined) : undefined;
  if (first?.resourceType === 'ClaimResponse') first.meta = { profile: [PAS_PROFILE.claimInquiryResponse] };
  return r;
}

/** What `Claim/$inquire` returns for a set of inquiry response bundles, or why it cannot. */
export type InquireOutput = { readonly resource: Parameters | Bundle; readonly problem: null } | { readonly resource: null; readonly problem: string };

/**
 * The `$inquire` output (OperationDefinition Claim-inquiry): PAS 2.2.1 returns a Parameters with
 * one `return` per bundle (0..*); PAS 2.0.1 returns exactly one bundle, as the resource itself.
 */
export function inquireOutput(bundles: readonly Bundle[], pasVersion: PasVersion): InquireOutput {
  if (PAS_VERSION_INFO[pasVersion].inquireOutput === 'parameters') {
    return { resource: { resourceType: 'Parameters', parameter: bundles.map((b) => ({ name: 'return', resource: b })) }, problem: null };
  }
  if (bundles.length !== 1) return { resource: null, problem: `PAS ${pasVersion} $inquire returns exactly one bundle; there are ${bundles.length} inquiry responses` };
  return { resource: bundles[0]!, problem: null };
}
