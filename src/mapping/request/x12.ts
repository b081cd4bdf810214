import type { Bundle } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../../grammar/validate.js';
import { checkWritten, inInterchange, printableAscii, usualLayout, writtenInterchange, writtenInterchangeFromIsa, writtenTransaction } from '../../grammar/written.js';
import { joinComponents } from '../../x12/writer.js';
import { DEFAULT_DELIMITERS, MemoryControlNumbers, X12Reader, X12Writer, X12WriteError, type ControlNumberAllocator, type Delimiters, type Finding, type TransactionSet } from '../../x12/index.js';
import { chooseDelimiters, UsedCharacters } from '../../x12/delimiter-choice.js';
import { fitCharacters, type Charset } from '../../x12/characters.js';
import { bundleToRequest, type WriteFinding } from './write.js';
import { residueIn } from '../round-trip.js';
import { usageOfBundle } from '../engine/usage-tag.js';
import { isInquiryRequest, splitByDiagnosis } from './disassemble.js';
import type { CompiledTables } from '../engine/table.js';
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
  /** Each segment's element strings as written (`X12Writer.bodyWithValues`; the grammar check reads them). */
  values: string[][];
  /** Every character written is printable ASCII. */
  plain: boolean;
  /** GS08 / ST03: 005010X217 (request) or 005010X215 (inquiry). */
  readonly implementation: string;
}

const REQUEST = '005010X217';
const INQUIRY = '005010X215';

/**
 * Joins the components of a kept segment's elements: written values hold no control character
 * (fitCharacters replaces them), so NUL stands for the component separator chosen later.
 */
const COMPONENT_JOINER = '\u0000';

/** A written segment in exact-size arrays: `[id, e01, ...]`, components joined with COMPONENT_JOINER, trailing empty elements dropped. */
function compactSegments(segments: readonly Elements[]): string[][] {
  const out = new Array<string[]>(segments.length);
  for (let k = 0; k < segments.length; k++) {
    const els = segments[k]!;
    let n = els.length;
    while (n > 1 && joinComponents(els[n - 1]!, COMPONENT_JOINER) === '') n--;
    const seg = new Array<string>(n);
    seg[0] = els[0]?.[0] ?? '';
    for (let i = 1; i < n; i++) seg[i] = joinComponents(els[i]!, COMPONENT_JOINER);
    out[k] = seg;
  }
  return out;
}

type Transmission = { interchangeSender?: string; interchangeReceiver?: string; applicationSender?: string; applicationReceiver?: string };

/**
 * One bundle converted: the part of bundlesToRequestX12 that reads the bundle, kept (without the
 * bundle) until its interchange is written by `requestsToX12`.
 */
export interface ConvertedRequest {
  /** BHT03 (Bundle.identifier.value), when the bundle has one. */
  readonly reference: string | null;
  readonly findings: WriteFinding[];
  readonly rejected: boolean;
  /** The 278s written (none when rejected): one, or one per diagnosis of an inquiry; segments kept compact (`compactSegments`). */
  readonly parts: ReadonlyArray<{ readonly segments: ReadonlyArray<readonly string[]>; readonly implementation: string }>;
  /** The first TransmissionIdentifiers and payer id its written parts name (the interchange's default envelope). */
  readonly transmission: Transmission | null;
  readonly payerId: string | null;
  /** ISA15 it asks for (test data tag). */
  readonly usage: 'P' | 'T';
  /** The characters of every part written (rejected bundles' too: they count in the choice of separators). */
  readonly used: UsedCharacters;
}

/** Writes the bundles' 278s; checks each against our X217 grammar before it goes into the interchange. */
export function bundlesToRequestX12(bundles: ReadonlyArray<Bundle | Obj>, options: RequestX12Options = {}): RequestX12Result {
  const converted: ConvertedRequest[] = [];
  for (const b of bundles) converted.push(convertRequest(b, options));
  return requestsToX12(converted, options);
}

/** Converts one bundle (its 278s and findings; nothing is rendered): the bundle is not needed after this. */
export function convertRequest(b: Bundle | Obj, options: RequestX12Options = {}): ConvertedRequest {
  const inquiry = isInquiryRequest(b);
  const reference = typeof (b as Obj).identifier === 'object' && (b as Obj).identifier !== null ? (((b as Obj).identifier as Obj).value as string | undefined) ?? null : null;
  // An inquiry about several diagnoses is one 278 per diagnosis (PAS); all of them, or none, are written.
  const parts = inquiry ? splitByDiagnosis(b) : [b];
  const findings: WriteFinding[] = [];
  const mine: Array<{ readonly segments: ReadonlyArray<readonly string[]>; readonly implementation: string }> = [];
  const used = new UsedCharacters();
  let transmission: Transmission | null = null;
  let payerId: string | null = null;
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
    transmission ??= (r.source?.transmission as Transmission | undefined) ?? null;
    if (payerId === null) {
      const ids = r.source?.insurer?.identifier;
      if (Array.isArray(ids)) payerId = ((ids as Obj[]).find((i) => typeof i.value === 'string')?.value as string | undefined) ?? null;
    }
    const segments: Elements[] = new Array<Elements>(r.segments.length);
    for (let k = 0; k < r.segments.length; k++) segments[k] = r.segments[k]!.els;
    // Characters X12 cannot carry (controls; non-ASCII for a plain-ASCII partner) are replaced, each named.
    for (const c of fitCharacters(segments, options.charset)) findings.push({ severity: 'warning', code: 'LOSSY_VALUE', message: c.message });
    for (const els of segments) for (const el of els) for (const c of el) used.add(c);
    mine.push({ segments: compactSegments(segments), implementation: inquiry ? INQUIRY : REQUEST });
  }
  return { reference, findings, rejected, parts: rejected ? [] : mine, transmission, payerId, usage: usageOfBundle(b), used };
}

/** The interchange of converted bundles (bundlesToRequestX12 after each bundle is converted); outcome indexes are positions in `converted`. */
export function requestsToX12(converted: readonly ConvertedRequest[], options: RequestX12Options = {}): RequestX12Result {
  const outcomes: BundleOutcome[] = [];
  // outcomes[i] is bundle i's (one outcome per bundle, in order).
  const fail = (index: number, f: WriteFinding): void => {
    const o = outcomes[index]!;
    outcomes[index] = { ...o, status: 'rejected', control: null, controls: [], findings: [...o.findings, f] };
  };
  const lineEnding = options.lineEnding ?? '\n';
  // Segments are rendered once every bundle is read: the separators are chosen to fit all of their values.
  let ok: Rendered[] = [];
  const pending: Array<{ readonly r: Rendered; readonly segments: ReadonlyArray<readonly string[]> }> = [];
  const used = new UsedCharacters();
  let firstTransmission: Transmission | null = null;
  let payerId: string | null = null;
  for (let index = 0; index < converted.length; index++) {
    const c = converted[index]!;
    firstTransmission ??= c.transmission;
    payerId ??= c.payerId;
    const seen = c.used.seen;
    for (let k = 0; k < seen.length; k++) if (seen[k] === 1) used.seen[k] = 1;
    outcomes.push({ index, reference: c.reference, control: null, controls: [], status: c.rejected ? 'rejected' : 'converted', findings: c.findings });
    for (const p of c.parts) pending.push({ r: { index, body: '', count: p.segments.length, values: [], plain: true, implementation: p.implementation }, segments: p.segments });
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
      const written = bodies.bodyWithValuesCompact(segments, COMPONENT_JOINER);
      r.body = written.text;
      r.values = written.values;
      r.plain = written.plain;
      ok.push(r);
    } catch (e) {
      // A value holding a pinned separator cannot be written: that bundle is left out, with the finding.
      if (!(e instanceof X12WriteError)) throw e;
      fail(r.index, { severity: 'error', code: 'UNWRITABLE_VALUE', message: e.message });
    }
  }
  // A bundle written as several inquiries goes whole or not at all.
  ok = ok.filter((x) => outcomes[x.index]!.status !== 'rejected');

  /** The interchange of `list`; with `envelopeOnly`, its ISA and GS segments alone (the same clock readings). */
  const render = (list: readonly Rendered[], controlNumbers: ControlNumberAllocator | undefined, envelopeOnly = false): { text: string; controls: string[] } => {
    const w = new X12Writer({
      delimiters,
      lineEnding,
      ...(controlNumbers !== undefined ? { controlNumbers } : {}),
      ...(options.now !== undefined ? { now: options.now } : {}),
    });
    const controls: string[] = [];
    w.beginInterchange({ senderQualifier: options.senderQualifier ?? 'ZZ', sender, receiverQualifier: options.receiverQualifier ?? 'ZZ', receiver, usage: options.usage ?? converted[list[0]!.index]!.usage });
    // One functional group per implementation guide (GS08): requests, then inquiries, as they come.
    let group: string | null = null;
    for (const x of list) {
      if (x.implementation !== group) {
        if (group !== null) w.endGroup();
        w.beginGroup({ functionalId: 'HI', sender: appSender, receiver: appReceiver, version: x.implementation });
        group = x.implementation;
      }
      if (envelopeOnly) continue;
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
  // Our own grammar checks what we wrote, each 278 from its written values (grammar/written.ts);
  // values the reader would not read back as written are checked by rendering and reading again.
  const header = { sender, receiver, appSender, appReceiver, senderQualifier: options.senderQualifier ?? 'ZZ', receiverQualifier: options.receiverQualifier ?? 'ZZ' };
  const errorsOf = writtenErrors(ok, delimiters, lineEnding, header, (list) => render(list, new MemoryControlNumbers(), true).text) ?? rereadErrors(render(ok, new MemoryControlNumbers()).text);
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

/** The error findings of each transaction in a rendered interchange, read again (the check for values that do not read back as written). */
function rereadErrors(probeText: string): Array<readonly Finding[]> {
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
  return errorsOf;
}

interface EnvelopeValues {
  readonly sender: string;
  readonly receiver: string;
  readonly appSender: string;
  readonly appReceiver: string;
  readonly senderQualifier: string;
  readonly receiverQualifier: string;
}

/**
 * The error findings of each 278 in `list`, checked from its written values as the reader would
 * read them from the probe interchange (latin1 text, control numbers from 0001 per group); null
 * when some value would not read back as written (then nothing is rendered: the caller re-reads).
 * `renderEnvelope` renders the probe's envelope (ISA and GS, as the probe does; its ISA is checked).
 */
function writtenErrors(list: readonly Rendered[], delimiters: Delimiters, lineEnding: string, header: EnvelopeValues, renderEnvelope: (list: readonly Rendered[]) => string): Array<readonly Finding[]> | null {
  if (!usualLayout(delimiters, lineEnding) || !printableAscii(Object.values(header))) return null;
  const blank = writtenInterchange(delimiters, lineEnding);
  const sets: TransactionSet[] = [];
  let group: string | null = null;
  let n = 0;
  for (const x of list) {
    if (x.implementation !== group) {
      group = x.implementation;
      n = 0;
    }
    const tx = writtenTransaction(x.values, x.plain, x.implementation, String(++n).padStart(4, '0'), blank, 'latin1');
    if (tx === null) return null;
    sets.push(tx);
  }
  // The envelope as the probe renders it (the same clock readings, the same refusals); an ISA the reader rejects rejects every set.
  const envelope = renderEnvelope(list);
  const ic = writtenInterchangeFromIsa(envelope.slice(0, envelope.indexOf(String.fromCharCode(delimiters.segment))), delimiters, lineEnding);
  return sets.map((written) => {
    const tx = ic.rejected ? inInterchange(written, ic) : written;
    return [...tx.findings, ...checkWritten(tx).findings].filter((f) => f.severity === 'error');
  });
}
