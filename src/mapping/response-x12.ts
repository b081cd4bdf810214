/**
 * PAS Response Bundle -> one X12 interchange holding its X217 278 response, checked against our
 * X217 response grammar before it is returned. The envelope comes from the ClaimResponse's
 * TransmissionIdentifiers (2.2.1) when it has them, else from the options.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../grammar/validate.js';
import { readX12Buffer, X12Writer, X12WriteError, type WriterOptions } from '../x12/index.js';
import { bundleToResponse, type ResponseWriteFinding } from './response-write.js';
import type { CompiledTables } from './table.js';

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
}

export interface ResponseX12Result {
  /** The interchange, or null when the bundle could not be written. */
  readonly text: string | null;
  readonly findings: ResponseWriteFinding[];
}

const IMPLEMENTATION = '005010X217';

/** Writes one response bundle as one interchange (see the module comment). */
export function responseBundleToX12(bundle: Bundle | Obj, options: ResponseX12Options = {}): ResponseX12Result {
  const r = bundleToResponse(bundle, options.tables !== undefined ? { tables: options.tables } : {});
  const findings = r.findings;
  if (r.segments === null || r.source === null || findings.some((f) => f.severity === 'error')) return { text: null, findings };
  const t = r.source.transmission;
  const sender = t.interchangeSenderID ?? options.sender ?? 'X12PAS';
  const receiver = t.interchangeReceiverID ?? options.receiver ?? 'UNKNOWN';
  const w = new X12Writer({
    ...(options.delimiters !== undefined ? { delimiters: options.delimiters } : {}),
    lineEnding: options.lineEnding ?? '\n',
    ...(options.controlNumbers !== undefined ? { controlNumbers: options.controlNumbers } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  let text: string;
  try {
    const body = w.body(r.segments);
    w.beginInterchange({ senderQualifier: 'ZZ', sender, receiverQualifier: 'ZZ', receiver, usage: 'P' });
    w.beginGroup({ functionalId: 'HI', sender: t.applicationSenderCode ?? sender, receiver: t.applicationReceiverCode ?? receiver, version: IMPLEMENTATION });
    w.beginTransaction('278', IMPLEMENTATION);
    w.raw(body, r.segments.length);
    w.endTransaction();
    w.endGroup();
    w.endInterchange();
    text = w.drain();
  } catch (e) {
    if (!(e instanceof X12WriteError)) throw e;
    findings.push({ severity: 'error', code: 'UNWRITABLE_VALUE', message: e.message });
    return { text: null, findings };
  }
  // Our own X217 response grammar must accept what was written.
  for (const ev of readX12Buffer(Buffer.from(text, 'utf8'))) {
    if (ev.kind !== 'transaction') continue;
    const a = analyzeTransaction(ev.transaction);
    if (a.tree?.grammar.id !== '278-x217-response') findings.push({ severity: 'error', code: 'NOT_X217', message: 'the 278 written is not read as an X217 response' });
    for (const f of [...ev.transaction.findings, ...a.findings]) if (f.severity === 'error') findings.push({ severity: 'error', code: 'NOT_X217', message: `the 278 written breaks the X217 response grammar: ${f.message}` });
  }
  return { text: findings.some((f) => f.severity === 'error') ? null : text, findings };
}
