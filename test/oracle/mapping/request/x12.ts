// Oracle: src/mapping/request/x12.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
import type { Bundle } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../../../../src/grammar/validate.js';
import { DEFAULT_DELIMITERS, MemoryControlNumbers, X12Reader, X12Writer, X12WriteError, type ControlNumberAllocator, type Delimiters, type Finding } from '../../../../src/x12/index.js';
import { chooseDelimiters, UsedCharacters } from '../../../../src/x12/delimiter-choice.js';
import { fitCharacters, type Charset } from '../../../../src/x12/characters.js';
import { bundleToRequest, type WriteFinding } from './write.js';
import { residueIn } from '../../../../src/mapping/round-trip.js';
import { usageOfBundle } from '../../../../src/mapping/engine/usage-tag.js';
import { isInquiryRequest, splitByDiagnosis } from '../../../../src/mapping/request/disassemble.js';
import type { CompiledTables } from '../../../../src/mapping/engine/table.js';
import type { Elements } from '../engine/write-rows.js';

/**
 * PAS Request Bundles -> one X12 interchange of 278 requests (005010X217): one ST per bundle in
 * one functional group. PAS Inquiry Request Bundles in the same list become 278 inquiries
 * (005010X215) in a group of their own, one per diagnosis when the Claim names several. A bundle
 * that cannot be written, or whose 278 our own grammar would reject, is left out and reported.
 */

type Obj = Record<string, unknown>;

export interface RequestX12Options {
  /** ISA06 / GS02 (default: the first bundle's TransmissionIdentifiers, else X12PAS). */
  sender?: string;
  /** ISA08 / GS03 (default: the first bundle's TransmissionIdentifiers, else the insurer's payer id, else UNKNOWN). */
  receiver?: string;
  senderQualifier?: string;
  receiverQualifier?: string;
  /** ISA15 (default: T when the first bundle written is tagged as test data, else P). */
  usage?: 'P' | 'T';
  delimiters?: Delimiters;
  /** The characters the partner takes: utf8 (default) or plain ascii (see x12/characters.ts). */
  charset?: Charset;
  /** '' (one line), '\n' or '\r\n' between segments; default '\n'. */
  lineEnding?: string;
  controlNumbers?: ControlNumberAllocator;
  now?: () => Date;
  /** Request tables (default: mappings/request/ against the X217 grammar). */
  tables?: CompiledTables;
  /** Inquiry tables (default: the request rows against the X215 grammar, `inquiryTablesCompiled()`). */
  inquiryTables?: CompiledTables;
}

export interface BundleOutcome {
  /** 0-based index of the bundle in the input. */
  readonly index: number;
  /** BHT03 (Bundle.identifier.value), when the bundle has one. */
  readonly reference: string | null;
  /** ST02 of its transaction set (the first, for an inquiry written as several); null when it was left out. */
  readonly control: string | null;
  /** ST02 of every transaction set written from the bundle (several for an inquiry about several diagnoses). */
  readonly controls: readonly string[];
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
  body: string;
  readonly count: number;
  /** GS08 / ST03: 005010X217 (request) or 005010X215 (inquiry). */
  readonly implementation: string;
}

const REQUEST = '005010X217';
const INQUIRY = '005010X215';

/** Writes the bundles' 278s; checks each against our X217 grammar before it goes into the interchange. */
export function bundlesToRequestX12(bundles: ReadonlyArray<Bundle | Obj>, options: RequestX12Options = {}): RequestX12Result {
  const outcomes: BundleOutcome[] = [];
  // outcomes[i] is bundle i's (one outcome per bundle, in order).
  const fail = (index: number, f: WriteFinding): void => {
    const o = outcomes[index]!;
    outcomes[index] = { ...o, status: 'rejected', control: null, controls: [], findings: [...o.findings, f] };
  };
  const lineEnding = options.lineEnding ?? '\n';
  // Segments are rendered once every bundle is read: the separators are chosen to fit all of their values.
  let ok: Rendered[] = [];
  const pending: Array<{ readonly r: Rendered; readonly segments: Elements[] }> = [];
  const used = new UsedCharacters();
  let firstTransmission: { interchangeSender?: string; interchangeReceiver?: string; applicationSender?: string; applicationReceiver?: string } | null = null;
  let payerId: string | null = null;
  for (let index = 0; index < bundles.length; index++) {
    const b = bundles[index]!;
    const inquiry = isInquiryRequest(b);
    const reference = typeof (b as Obj).identifier === 'object' && (b as Obj).identifier !== null ? (((b as Obj).identifier as Obj).value as string | undefined) ?? null : null;
    // An inquiry about several diagnoses is one 278 per diagnosis (PAS); all of them, or none, are written.
    const parts = inquiry ? splitByDiagnosis(b) : [b];
    const findings: WriteFinding[] = [];
    const mine: Array<{ readonly r: Rendered; readonly segments: Elements[] }> = [];
    let rejected = false;
    for (const part of parts) {
      const residue = residueIn(part);
      const tables = inquiry ? options.inquiryTables : options.tables;
      const r = bundleToRequest(part, { ...(tables !== undefined ? { tables } : {}), ...(residue !== null ? { residue } : {}) });
      for (const f of r.findings) findings.push(f);
      if (r.segments === null || r.findings.some((f) => f.severity === 'error')) {
        rejected = true;
        break;
      }
      firstTransmission ??= r.source?.transmission ?? null;
      if (payerId === null) {
        const ids = r.source?.insurer?.identifier;
        if (Array.isArray(ids)) payerId = ((ids as Obj[]).find((i) => typeof i.value === 'string')?.value as string | undefined) ?? null;
      }
      const segments: Elements[] = [];
      for (const x of r.segments) segments.push(x.els);
      // Characters X12 cannot carry (controls; non-ASCII for a plain-ASCII partner) are replaced, each named.
      for (const c of fitCharacters(segments, options.charset)) findings.push({ severity: 'warning', code: 'LOSSY_VALUE', message: c.message });
      for (const els of segments) for (const el of els) for (const c of el) used.add(c);
      mine.push({ r: { index, body: '', count: segments.length, implementation: inquiry ? INQUIRY : REQUEST }, segments });
    }
    outcomes.push({ index, reference, control: null, controls: [], status: rejected ? 'rejected' : 'converted', findings });
    if (!rejected) for (const x of mine) pending.push(x);
  }
  const t = firstTransmission as { interchangeSender?: string; interchangeReceiver?: string; applicationSender?: string; applicationReceiver?: string } | null;
  const sender = options.sender ?? t?.interchangeSender ?? 'X12PAS';
  const receiver = options.receiver ?? t?.interchangeReceiver ?? payerId ?? 'UNKNOWN';
  const appSender = options.sender ?? t?.applicationSender ?? sender;
  const appReceiver = options.receiver ?? t?.applicationReceiver ?? receiver;
  for (const v of [sender, receiver, appSender, appReceiver]) used.add(v);
  // Separators that occur in no value (those the options pin kept); a writer refuses unusable ones.
  const delimiters = chooseDelimiters(used, options.delimiters ?? {}) ?? options.delimiters ?? DEFAULT_DELIMITERS;
  const bodies = new X12Writer({ delimiters, lineEnding });
  for (const { r, segments } of pending) {
    if (outcomes[r.index]!.status === 'rejected') continue;
    try {
      r.body = bodies.body(segments);
      ok.push(r);
    } catch (e) {
      // A value holding a pinned separator cannot be written: that bundle is left out, with the finding.
      if (!(e instanceof X12WriteError)) throw e;
      fail(r.index, { severity: 'error', code: 'UNWRITABLE_VALUE', message: e.message });
    }
  }
  // A bundle written as several inquiries goes whole or not at all.
  ok = ok.filter((x) => outcomes[x.index]!.status !== 'rejected');

  const render = (list: readonly Rendered[], controlNumbers: ControlNumberAllocator | undefined): { text: string; controls: string[] } => {
    const w = new X12Writer({
      delimiters,
      lineEnding,
      ...(controlNumbers !== undefined ? { controlNumbers } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
    const controls: string[] = [];
    w.beginInterchange({ senderQualifier: options.senderQualifier ?? 'ZZ', sender, receiverQualifier: options.receiverQualifier ?? 'ZZ', receiver, usage: options.usage ?? usageOfBundle(bundles[list[0]!.index]) });
    // One functional group per implementation guide (GS08): requests, then inquiries, as they come.
    let group: string | null = null;
    for (const x of list) {
      if (x.implementation !== group) {
        if (group !== null) w.endGroup();
        w.beginGroup({ functionalId: 'HI', sender: appSender, receiver: appReceiver, version: x.implementation });
        group = x.implementation;
      }
      controls.push(w.beginTransaction('278', x.implementation));
      w.raw(x.body, x.count);
      w.endTransaction();
    }
    w.endInterchange();
    return { text: w.drain(), controls };
  };

  if (ok.length === 0) return { text: '', outcomes };
  // Requests first, then inquiries (a stable sort: input order within each).
  ok = [...ok.filter((x) => x.implementation === REQUEST), ...ok.filter((x) => x.implementation !== REQUEST)];
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
  const broken = new Set<number>();
  ok.forEach((x, i) => {
    const errors = errorsOf[i];
    if (errors !== undefined && errors.length === 0) return;
    broken.add(x.index);
    const guide = x.implementation === REQUEST ? 'X217' : 'X215';
    fail(x.index, { severity: 'error', code: 'UNWRITABLE_VALUE', message: `the 278 written from this bundle breaks the ${guide} rules: ${(errors ?? []).map((f) => `${f.code} ${f.message}`).join('; ') || 'not read back'}` });
  });
  // A bundle written as several inquiries goes whole or not at all.
  ok = ok.filter((x) => !broken.has(x.index));
  if (ok.length === 0) return { text: '', outcomes };
  const { text, controls } = render(ok, options.controlNumbers);
  ok.forEach((x, i) => {
    const o = outcomes[x.index]!;
    outcomes[x.index] = { ...o, control: o.control ?? controls[i]!, controls: [...o.controls, controls[i]!] };
  });
  return { text, outcomes };
}
