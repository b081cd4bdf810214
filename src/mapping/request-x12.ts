import type { Bundle } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../grammar/validate.js';
import { MemoryControlNumbers, X12Reader, X12Writer, X12WriteError, type ControlNumberAllocator, type Delimiters, type Finding } from '../x12/index.js';
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

/** A 278's segments (BHT on) as text, rendered once: the probe and the interchange reuse it. */
interface Rendered {
  readonly index: number;
  readonly body: string;
  readonly count: number;
}

/** Writes the bundles' 278s; checks each against our X217 grammar before it goes into the interchange. */
export function bundlesToRequestX12(bundles: ReadonlyArray<Bundle | Obj>, options: RequestX12Options = {}): RequestX12Result {
  const outcomes: BundleOutcome[] = [];
  // outcomes[i] is bundle i's (one outcome per bundle, in order).
  const fail = (index: number, f: WriteFinding): void => {
    const o = outcomes[index]!;
    outcomes[index] = { ...o, status: 'rejected', control: null, findings: [...o.findings, f] };
  };
  const lineEnding = options.lineEnding ?? '\n';
  const writeOptions = { tables: options.tables };
  const residueOptions = options.tables !== undefined ? (residue: NonNullable<ReturnType<typeof residueIn>>) => ({ tables: options.tables, residue }) : (residue: NonNullable<ReturnType<typeof residueIn>>) => ({ residue });
  /** Renders each written 278 at once (its segments are not kept); made at the first one. */
  let bodies: X12Writer | null = null;
  let bodiesError: unknown = null;
  let ok: Rendered[] = [];
  let firstTransmission: { interchangeSender?: string; interchangeReceiver?: string; applicationSender?: string; applicationReceiver?: string } | null = null;
  let payerId: string | null = null;
  for (let index = 0; index < bundles.length; index++) {
    const b = bundles[index]!;
    const residue = residueIn(b);
    const r = bundleToRequest(b, residue !== null ? residueOptions(residue) : options.tables !== undefined ? writeOptions : {});
    const reference = typeof (b as Obj).identifier === 'object' && (b as Obj).identifier !== null ? (((b as Obj).identifier as Obj).value as string | undefined) ?? null : null;
    if (r.segments === null || r.findings.some((f) => f.severity === 'error')) {
      outcomes.push({ index, reference, control: null, status: 'rejected', findings: r.findings });
      continue;
    }
    firstTransmission ??= r.source?.transmission ?? null;
    if (payerId === null) {
      const ids = r.source?.insurer?.identifier;
      if (Array.isArray(ids)) payerId = ((ids as Obj[]).find((i) => typeof i.value === 'string')?.value as string | undefined) ?? null;
    }
    outcomes.push({ index, reference, control: null, status: 'converted', findings: r.findings });
    // Delimiters no writer can use: thrown once every bundle is written (as when the 278s were checked after).
    if (bodies === null && bodiesError === null) {
      try {
        bodies = new X12Writer({ ...(options.delimiters !== undefined ? { delimiters: options.delimiters } : {}), lineEnding });
      } catch (e) {
        bodiesError = e;
      }
    }
    if (bodies === null) continue;
    // A value holding a delimiter cannot be written: that bundle is left out.
    const segments: Elements[] = [];
    for (const x of r.segments) segments.push(x.els);
    try {
      ok.push({ index, body: bodies.body(segments), count: segments.length });
    } catch (e) {
      if (!(e instanceof X12WriteError)) throw e;
      fail(index, { severity: 'error', code: 'UNWRITABLE_VALUE', message: e.message });
    }
  }
  if (bodiesError !== null) throw bodiesError;
  const t = firstTransmission as { interchangeSender?: string; interchangeReceiver?: string; applicationSender?: string; applicationReceiver?: string } | null;
  const sender = options.sender ?? t?.interchangeSender ?? 'X12PAS';
  const receiver = options.receiver ?? t?.interchangeReceiver ?? payerId ?? 'UNKNOWN';
  const appSender = options.sender ?? t?.applicationSender ?? sender;
  const appReceiver = options.receiver ?? t?.applicationReceiver ?? receiver;

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

  if (ok.length === 0) return { text: '', outcomes };
  // Our own grammar checks what we wrote (a probe with fixed control numbers, so the allocator is not
  // consumed), each transaction as the reader gives it (so no more than one is held at a time).
  const probeText = render(ok, new MemoryControlNumbers()).text;
  const errorsOf: Array<readonly Finding[]> = [];
  const reader = new X12Reader({
    transaction(tx) {
      errorsOf.push([...tx.findings, ...analyzeTransaction(tx).findings].filter((f) => f.severity === 'error'));
    },
    groupEnd() {},
    interchangeEnd() {},
    finding() {},
  });
  reader.push(Buffer.from(probeText, 'latin1'));
  reader.end();
  ok = ok.filter((x, i) => {
    const errors = errorsOf[i];
    if (errors !== undefined && errors.length === 0) return true;
    fail(x.index, { severity: 'error', code: 'UNWRITABLE_VALUE', message: `the 278 written from this bundle breaks the X217 rules: ${(errors ?? []).map((f) => `${f.code} ${f.message}`).join('; ') || 'not read back'}` });
    return false;
  });
  if (ok.length === 0) return { text: '', outcomes };
  const { text, controls } = render(ok, options.controlNumbers);
  ok.forEach((x, i) => {
    outcomes[x.index] = { ...outcomes[x.index]!, control: controls[i]! };
  });
  return { text, outcomes };
}
