import type { Bundle } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../grammar/validate.js';
import { MemoryControlNumbers, readX12Buffer, X12Writer, X12WriteError, type ControlNumberAllocator, type Delimiters } from '../x12/index.js';
import { bundleToRequest, type WriteFinding } from './bundle-to-request.js';
import { residueIn } from './round-trip.js';
import type { CompiledTables } from './table.js';
import type { Elements } from './write-rows.js';

/**
 * PAS Request Bundles -> one X12 interchange of 278 requests (005010X217): one ST per bundle in
 * one functional group. A bundle that cannot be written, or whose 278 our own X217 grammar would
 * reject, is left out and reported.
 */

type Obj = Record<string, unknown>;

export interface RequestX12Options {
  /** ISA06 / GS02 (default: the first bundle's TransmissionIdentifiers, else X12PAS). */
  sender?: string;
  /** ISA08 / GS03 (default: the first bundle's TransmissionIdentifiers, else the insurer's payer id, else UNKNOWN). */
  receiver?: string;
  senderQualifier?: string;
  receiverQualifier?: string;
  usage?: 'P' | 'T';
  delimiters?: Delimiters;
  /** '' (one line), '\n' or '\r\n' between segments; default '\n'. */
  lineEnding?: string;
  controlNumbers?: ControlNumberAllocator;
  now?: () => Date;
  tables?: CompiledTables;
}

export interface BundleOutcome {
  /** 0-based index of the bundle in the input. */
  readonly index: number;
  /** BHT03 (Bundle.identifier.value), when the bundle has one. */
  readonly reference: string | null;
  /** ST02 of its transaction set; null when it was left out. */
  readonly control: string | null;
  readonly status: 'converted' | 'rejected';
  readonly findings: WriteFinding[];
}

export interface RequestX12Result {
  /** The interchange; '' when no bundle could be written. */
  readonly text: string;
  readonly outcomes: BundleOutcome[];
}

/** Writes the bundles' 278s; checks each against our X217 grammar before it goes into the interchange. */
export function bundlesToRequestX12(bundles: ReadonlyArray<Bundle | Obj>, options: RequestX12Options = {}): RequestX12Result {
  const outcomes: BundleOutcome[] = [];
  const written: Array<{ index: number; segments: readonly Elements[] }> = [];
  let firstTransmission: { interchangeSender?: string; interchangeReceiver?: string; applicationSender?: string; applicationReceiver?: string } | null = null;
  let payerId: string | null = null;
  bundles.forEach((b, index) => {
    const residue = residueIn(b);
    const r = bundleToRequest(b, { ...(options.tables !== undefined ? { tables: options.tables } : {}), ...(residue !== null ? { residue } : {}) });
    const reference = typeof (b as Obj).identifier === 'object' && (b as Obj).identifier !== null ? (((b as Obj).identifier as Obj).value as string | undefined) ?? null : null;
    if (r.segments === null || r.findings.some((f) => f.severity === 'error')) {
      outcomes.push({ index, reference, control: null, status: 'rejected', findings: r.findings });
      return;
    }
    firstTransmission ??= r.source?.transmission ?? null;
    if (payerId === null) {
      const ids = r.source?.insurer?.identifier;
      if (Array.isArray(ids)) payerId = ((ids as Obj[]).find((i) => typeof i.value === 'string')?.value as string | undefined) ?? null;
    }
    outcomes.push({ index, reference, control: null, status: 'converted', findings: r.findings });
    const segments: Elements[] = [];
    for (const s of r.segments) segments.push(s.els);
    written.push({ index, segments });
  });
  const t = firstTransmission as { interchangeSender?: string; interchangeReceiver?: string; applicationSender?: string; applicationReceiver?: string } | null;
  const sender = options.sender ?? t?.interchangeSender ?? 'X12PAS';
  const receiver = options.receiver ?? t?.interchangeReceiver ?? payerId ?? 'UNKNOWN';
  const appSender = options.sender ?? t?.applicationSender ?? sender;
  const appReceiver = options.receiver ?? t?.applicationReceiver ?? receiver;

  const lineEnding = options.lineEnding ?? '\n';
  /** Each 278's segments (BHT on), rendered once: the probe and the interchange reuse the text. */
  type Rendered = { index: number; body: string; count: number };
  const render = (list: readonly Rendered[], controlNumbers: ControlNumberAllocator | undefined): { text: string; controls: string[] } => {
    const w = new X12Writer({
      ...(options.delimiters !== undefined ? { delimiters: options.delimiters } : {}),
      lineEnding,
      ...(controlNumbers !== undefined ? { controlNumbers } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
    const controls: string[] = [];
    w.beginInterchange({ senderQualifier: options.senderQualifier ?? 'ZZ', sender, receiverQualifier: options.receiverQualifier ?? 'ZZ', receiver, usage: options.usage ?? 'P' });
    w.beginGroup({ functionalId: 'HI', sender: appSender, receiver: appReceiver, version: '005010X217' });
    for (const x of list) {
      controls.push(w.beginTransaction('278', '005010X217'));
      w.raw(x.body, x.count);
      w.endTransaction();
    }
    w.endInterchange();
    return { text: w.drain(), controls };
  };

  // outcomes[i] is bundle i's (one outcome per bundle, in order).
  const fail = (index: number, f: WriteFinding): void => {
    const o = outcomes[index]!;
    outcomes[index] = { ...o, status: 'rejected', control: null, findings: [...o.findings, f] };
  };
  // A value holding a delimiter cannot be written: that bundle is left out.
  if (written.length === 0) return { text: '', outcomes };
  const bodies = new X12Writer({ ...(options.delimiters !== undefined ? { delimiters: options.delimiters } : {}), lineEnding });
  let ok: Rendered[] = [];
  for (const x of written) {
    try {
      ok.push({ index: x.index, body: bodies.body(x.segments), count: x.segments.length });
    } catch (e) {
      if (!(e instanceof X12WriteError)) throw e;
      fail(x.index, { severity: 'error', code: 'UNWRITABLE_VALUE', message: e.message });
    }
  }
  if (ok.length === 0) return { text: '', outcomes };
  // Our own grammar checks what we wrote (a probe with fixed control numbers, so the allocator is not consumed).
  const probeText = render(ok, new MemoryControlNumbers()).text;
  const events = readX12Buffer(Buffer.from(probeText, 'latin1'));
  const txs = events.flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
  ok = ok.filter((x, i) => {
    const tx = txs[i];
    const errors = tx === undefined ? [] : [...tx.findings, ...analyzeTransaction(tx).findings].filter((f) => f.severity === 'error');
    if (tx !== undefined && errors.length === 0) return true;
    fail(x.index, { severity: 'error', code: 'UNWRITABLE_VALUE', message: `the 278 written from this bundle breaks the X217 rules: ${errors.map((f) => `${f.code} ${f.message}`).join('; ') || 'not read back'}` });
    return false;
  });
  if (ok.length === 0) return { text: '', outcomes };
  const { text, controls } = render(ok, options.controlNumbers);
  ok.forEach((x, i) => {
    outcomes[x.index] = { ...outcomes[x.index]!, control: controls[i]! };
  });
  return { text, outcomes };
}
