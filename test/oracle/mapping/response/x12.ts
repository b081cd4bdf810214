// Oracle: src/mapping/response/x12.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * PAS Response Bundle -> one X12 interchange holding its X217 278 response (an Inquiry Response
 * Bundle: its X215 inquiry response), checked against our response grammar before it is returned. The envelope comes from the ClaimResponse's
 * TransmissionIdentifiers (2.2.1) when it has them, else from the options.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../../../../src/grammar/validate.js';
import { MemoryControlNumbers, readX12Buffer, X12Writer, X12WriteError, type WriterOptions } from '../../../../src/x12/index.js';
import { bundleToResponse, type ResponseWriteFinding } from './write.js';
import type { CompiledTables } from '../../../../src/mapping/engine/table.js';
import { PAS_PROFILE } from '../../../../src/pas/constants.js';
import { INQUIRY_RESPONSE_GRAMMAR, inquiryResponseTablesCompiled } from '../inquiry/response.js';
import { RESPONSE_GRAMMAR } from './tables.js';
import { hasProfile } from '../../../../src/mapping/request/disassemble.js';
import { usageOfBundle } from '../../../../src/mapping/engine/usage-tag.js';
import { chooseDelimiters, UsedCharacters } from '../../../../src/x12/delimiter-choice.js';
import { fitCharacters, type Charset } from '../../../../src/x12/characters.js';
import { residueIn, spliceResidue } from '../../../../src/mapping/engine/residue.js';

type Obj = Record<string, unknown>;

export interface ResponseX12Options {
  /** ISA06/GS02 when the bundle names none (default X12PAS). */
  sender?: string;
  /** ISA08/GS03 when the bundle names none (default UNKNOWN). */
  receiver?: string;
  delimiters?: WriterOptions['delimiters'];
  lineEnding?: string;
  now?: () => Date;
  controlNumbers?: WriterOptions['controlNumbers'];
  tables?: CompiledTables;
  /** The request bundle the response answers: names the requester (2010B) when the response's own requestor is absent or not in the bundle. */
  request?: Bundle | Obj;
  /** ISA15 (default: T for a bundle tagged as test data, else P). */
  usage?: 'P' | 'T';
  /** The characters the partner takes: utf8 (default) or plain ascii (see x12/characters.ts). */
  charset?: Charset;
  /** ISA05 / ISA07 (default ZZ). */
  senderQualifier?: string;
  receiverQualifier?: string;
}

export interface ResponseX12Result {
  /** The interchange, or null when the bundle could not be written. */
  readonly text: string | null;
  readonly findings: ResponseWriteFinding[];
}

/** What a response bundle is written as: an X217 response, or an X215 inquiry response for a PAS Inquiry Response Bundle. */
function guideOf(bundle: Bundle | Obj): { implementation: string; grammar: string; label: string; tables: CompiledTables | undefined } {
  return isInquiryResponse(bundle)
    ? { implementation: '005010X215', grammar: INQUIRY_RESPONSE_GRAMMAR, label: 'X215 inquiry response', tables: inquiryResponseTablesCompiled('2.2.1') }
    : { implementation: '005010X217', grammar: RESPONSE_GRAMMAR, label: 'X217 response', tables: undefined };
}

/** Whether the bundle (or its ClaimResponse) names the inquiry response profiles. */
function isInquiryResponse(bundle: Bundle | Obj): boolean {
  if (hasProfile(bundle, PAS_PROFILE.inquiryResponseBundle)) return true;
  const entries = (bundle as { entry?: unknown }).entry;
  return Array.isArray(entries) && hasProfile((entries[0] as { resource?: unknown } | undefined)?.resource, PAS_PROFILE.claimInquiryResponse);
}

/** Writes one response bundle as one interchange (see the module comment). */
export function responseBundleToX12(bundle: Bundle | Obj, options: ResponseX12Options = {}): ResponseX12Result {
  const guide = guideOf(bundle);
  const IMPLEMENTATION = guide.implementation;
  const tables = options.tables ?? guide.tables;
  const r = bundleToResponse(bundle, { ...(tables !== undefined ? { tables } : {}), ...(options.request !== undefined ? { request: options.request } : {}) });
  const findings = r.findings;
  if (r.segments === null || r.source === null || findings.some((f) => f.severity === 'error')) return { text: null, findings };
  const t = r.source.transmission;
  const sender = t.interchangeSenderID ?? options.sender ?? 'X12PAS';
  const receiver = t.interchangeReceiverID ?? options.receiver ?? 'UNKNOWN';
  // Characters X12 cannot carry (controls; non-ASCII for a plain-ASCII partner) are replaced, each named.
  for (const c of fitCharacters(r.segments, options.charset)) findings.push({ severity: 'warning', code: 'LOSSY_VALUE', message: c.message });
  const usage = options.usage ?? usageOfBundle(bundle);
  const write = (segments: NonNullable<typeof r.segments>, controlNumbers: WriterOptions['controlNumbers'] | undefined = options.controlNumbers): string => {
    // Separators that occur in no value (those the options pin kept).
    const used = new UsedCharacters();
    for (const els of segments) for (const el of els) for (const ch of el) used.add(ch);
    for (const v of [sender, receiver, t.applicationSenderCode ?? '', t.applicationReceiverCode ?? '']) used.add(v);
    const delimiters = chooseDelimiters(used, options.delimiters ?? {}) ?? options.delimiters;
    const w = new X12Writer({
      ...(delimiters !== undefined ? { delimiters } : {}),
      lineEnding: options.lineEnding ?? '\n',
      ...(controlNumbers !== undefined ? { controlNumbers } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
    const body = w.body(segments);
    w.beginInterchange({ senderQualifier: options.senderQualifier ?? 'ZZ', sender, receiverQualifier: options.receiverQualifier ?? 'ZZ', receiver, usage });
    w.beginGroup({ functionalId: 'HI', sender: t.applicationSenderCode ?? sender, receiver: t.applicationReceiverCode ?? receiver, version: IMPLEMENTATION });
    w.beginTransaction('278', IMPLEMENTATION);
    w.raw(body, segments.length);
    w.endTransaction();
    w.endGroup();
    w.endInterchange();
    return w.drain();
  };
  let text: string;
  try {
    // --lossless: the residue's original segments stand in for the loop instances they name (engine/residue.ts); the draft takes no control number.
    const residue = residueIn(bundle);
    text = residue === null ? write(r.segments) : write(r.segments, new MemoryControlNumbers());
    if (residue !== null) {
      const tx = readX12Buffer(Buffer.from(text, 'utf8')).find((e) => e.kind === 'transaction');
      const tree = tx?.kind === 'transaction' ? analyzeTransaction(tx.transaction).tree : null;
      const spliced = tree === null || tx?.kind !== 'transaction' ? null : spliceResidue(tree.root, String.fromCharCode(tx.transaction.interchange.delimiters.component), residue);
      if (spliced === null) findings.push({ severity: 'warning', code: 'NOT_WRITTEN', message: 'the x12-residue extension names loop instances this response does not have: not applied' });
      text = write(spliced ?? r.segments);
    }
  } catch (e) {
    if (!(e instanceof X12WriteError)) throw e;
    findings.push({ severity: 'error', code: 'UNWRITABLE_VALUE', message: e.message });
    return { text: null, findings };
  }
  // Our own response grammar (X217, or X215 for an inquiry response) must accept what was written.
  for (const ev of readX12Buffer(Buffer.from(text, 'utf8'))) {
    if (ev.kind !== 'transaction') continue;
    const a = analyzeTransaction(ev.transaction);
    if (a.tree?.grammar.id !== guide.grammar) findings.push({ severity: 'error', code: 'NOT_X217', message: `the 278 written is not read as an ${guide.label}` });
    for (const f of [...ev.transaction.findings, ...a.findings]) if (f.severity === 'error') findings.push({ severity: 'error', code: 'NOT_X217', message: `the 278 written breaks the ${guide.label} grammar: ${f.message}` });
  }
  return { text: findings.some((f) => f.severity === 'error') ? null : text, findings };
}
