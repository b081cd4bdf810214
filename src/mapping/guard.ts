/**
 * The public FHIR -> X12 entry points, guarded: each bundle's shape is checked first
 * (engine/bundle-shape.ts) and its envelope identifiers too, and an exception while one bundle is
 * written costs that bundle alone (rejected, `INTERNAL_ERROR` with the error's message and
 * where it was thrown), never the call: nothing throws past these functions on bad JSON.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { MemoryControlNumbers, X12WriteError } from '../x12/index.js';
import { partyIdProblem } from '../x12/party-id.js';
import { bundleToRequest as writeRequest, type BundleWriteOptions, type WriteFinding, type WrittenRequest } from './request/write.js';
import { checkBundleShape } from './engine/bundle-shape.js';
import { convertRequest, requestsToX12, type BundleOutcome, type ConvertedRequest, type RequestX12Options } from './request/x12.js';
import { bundleToResponse as writeResponse, type ResponseWriteFinding, type WrittenResponse } from './response/write.js';
import { responseBundleToX12 as writeResponseX12, type ResponseX12Options } from './response/x12.js';
import type { CompiledTables } from './engine/table.js';
import { PAS_EXTENSION } from '../pas/constants.js';
import { usageOfBundle } from './engine/usage-tag.js';

type Obj = Record<string, unknown>;

/** A finding of the guard: BAD_SHAPE, BAD_ENVELOPE_ID, UNWRITABLE_VALUE or INTERNAL_ERROR. */
export interface GuardFinding {
  readonly severity: 'error';
  readonly code: 'BAD_SHAPE' | 'BAD_ENVELOPE_ID' | 'UNWRITABLE_VALUE' | 'INTERNAL_ERROR';
  readonly message: string;
  /** FHIRPath-like place of a BAD_SHAPE. */
  readonly path?: string;
  /** INTERNAL_ERROR: the top stack frame of the error (function and source place). */
  readonly at?: string;
}

export type GuardedBundleOutcome = Omit<BundleOutcome, 'findings'> & { readonly findings: ReadonlyArray<WriteFinding | GuardFinding> };

export interface GuardedRequestX12Result {
  /** The interchanges ('' when no bundle could be written; two when test and production bundles mix and no usage is given). */
  readonly text: string;
  readonly outcomes: GuardedBundleOutcome[];
}

/** The finding for an error thrown while a bundle was written. */
export function errorFinding(e: unknown): GuardFinding {
  if (e instanceof X12WriteError) return { severity: 'error', code: 'UNWRITABLE_VALUE', message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  const frame = (err.stack ?? '').split('\n').find((l) => l.trimStart().startsWith('at '));
  const at = frame?.trim().slice(3).replace(/(\(|^)(?:file:\/\/)?[^()]*?\/((?:src|dist|node_modules)\/)/, '$1$2');
  return { severity: 'error', code: 'INTERNAL_ERROR', message: `${err.name}: ${err.message}`, ...(at !== undefined ? { at } : {}) };
}

/** Why a bundle must not be written before any writer reads it: its shape, and its envelope identifiers. */
export function bundleProblems(bundle: unknown): GuardFinding[] {
  const shape = checkBundleShape(bundle);
  if (shape.length > 0) return [...shape];
  const out: GuardFinding[] = [];
  for (const [name, value] of transmissionIds(bundle as Obj)) {
    const kind = name.startsWith('interchange') ? 'interchange' : 'application';
    const problem = partyIdProblem(value, kind, `TransmissionIdentifiers ${name} (${kind === 'interchange' ? (name.includes('Sender') ? 'ISA06' : 'ISA08') : name.includes('Sender') ? 'GS02' : 'GS03'})`);
    if (problem !== null) out.push({ severity: 'error', code: 'BAD_ENVELOPE_ID', message: problem });
  }
  return out;
}

/** The TransmissionIdentifiers values of the bundle's resources (a bundle whose shape is sound). */
function transmissionIds(bundle: Obj): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Obj[]) : [];
  for (const e of entries) {
    const r = e.resource as Obj | undefined;
    const exts = Array.isArray(r?.extension) ? (r!.extension as Obj[]) : [];
    for (const x of exts) {
      if (x.url !== PAS_EXTENSION.transmissionIdentifiers || !Array.isArray(x.extension)) continue;
      for (const s of x.extension as Obj[]) if (typeof s.url === 'string' && typeof s.valueString === 'string') out.push([s.url, s.valueString]);
    }
  }
  return out;
}

function referenceOf(bundle: unknown): string | null {
  const id = typeof bundle === 'object' && bundle !== null ? (bundle as Obj).identifier : undefined;
  const v = typeof id === 'object' && id !== null ? (id as Obj).value : undefined;
  return typeof v === 'string' ? v : null;
}

function rejectedOutcome(index: number, reference: string | null, findings: ReadonlyArray<WriteFinding | GuardFinding>): GuardedBundleOutcome {
  return { index, reference, control: null, controls: [], status: 'rejected', findings };
}

/**
 * PAS Request and Inquiry Request Bundles -> an interchange of 278s (see request/x12.ts), each
 * bundle checked and written in its own guard. Without `usage`, a bundle tagged as test data
 * (Bundle.meta.tag HTEST) goes into an interchange with ISA15 `T`, the others `P`.
 */
export function bundlesToRequestX12(bundles: ReadonlyArray<Bundle | Obj>, options: RequestX12Options = {}): GuardedRequestX12Result {
  const interchange = new RequestInterchange(options);
  for (const b of bundles) interchange.add(b);
  return interchange.finish();
}

/** One bundle added: refused by the guard, converted, or its conversion threw. */
interface Held {
  /** Bundle.identifier.value, for the outcome. */
  readonly reference: string | null;
  readonly problems: readonly GuardFinding[];
  /** ISA15 of its interchange; null when the guard refused it. */
  readonly usage: 'P' | 'T' | null;
  readonly converted: ConvertedRequest | null;
  /** What its conversion threw (it throws alone the same way). */
  readonly thrown: { readonly error: unknown } | null;
}

/**
 * bundlesToRequestX12 one bundle at a time (the way `convert` reads NDJSON): each bundle is
 * checked and converted when it is added and only what was written from it is kept until
 * `finish` writes the interchange(s), one per usage in the order each first comes.
 */
export class RequestInterchange {
  private held: Held[] = [];

  constructor(private readonly options: RequestX12Options = {}) {}

  /** Bundles added since the last `finish`. */
  get size(): number {
    return this.held.length;
  }

  /** Checks and converts one bundle; the bundle itself is not kept past its conversion. */
  add(bundle: unknown): void {
    const problems = bundleProblems(bundle);
    const ref = referenceOf(bundle);
    if (problems.length > 0) {
      this.held.push({ reference: ref, problems, usage: null, converted: null, thrown: null });
      return;
    }
    const usage = this.options.usage ?? usageOfBundle(bundle as Obj);
    try {
      this.held.push({ reference: ref, problems, usage, converted: convertRequest(bundle as Obj, { ...this.options, usage }), thrown: null });
    } catch (error) {
      this.held.push({ reference: ref, problems, usage, converted: null, thrown: { error } });
    }
  }

  /** Writes the interchanges of the bundles added and starts again. */
  finish(): GuardedRequestX12Result {
    const held = this.held;
    this.held = [];
    const outcomes: GuardedBundleOutcome[] = held.map((h, i) => rejectedOutcome(i, h.reference, h.problems));
    const byUsage = new Map<'P' | 'T', number[]>();
    held.forEach((h, i) => {
      if (h.usage === null) return;
      const list = byUsage.get(h.usage) ?? [];
      list.push(i);
      byUsage.set(h.usage, list);
    });
    let text = '';
    for (const [usage, idx] of byUsage) text += writeIsolated(held, idx, { ...this.options, usage }, outcomes);
    return { text, outcomes };
  }
}

/**
 * Writes the bundles at `idx` in one interchange. When that throws, each is written alone (with
 * throwaway control numbers) to find those that throw; they are rejected with what was thrown and
 * the others written together. Returns the text; fills `outcomes` at `idx`.
 */
function writeIsolated(held: readonly Held[], idx: readonly number[], options: RequestX12Options, outcomes: GuardedBundleOutcome[]): string {
  const attempt = (list: readonly number[]): string => {
    // Converting the bundles in order would have thrown at the first whose conversion throws.
    for (const i of list) if (held[i]!.thrown !== null) throw held[i]!.thrown!.error;
    const r = requestsToX12(
      list.map((i) => held[i]!.converted!),
      options,
    );
    for (const o of r.outcomes) outcomes[list[o.index]!] = { ...o, index: list[o.index]! };
    return r.text;
  };
  try {
    return attempt(idx);
  } catch (e) {
    const thrown = new Map<number, unknown>();
    for (const i of idx) {
      const h = held[i]!;
      if (h.thrown !== null) {
        thrown.set(i, h.thrown.error);
        continue;
      }
      try {
        requestsToX12([h.converted!], { ...options, controlNumbers: new MemoryControlNumbers() });
      } catch (alone) {
        thrown.set(i, alone);
      }
    }
    // Nothing throws alone: they fail together (the envelope they share); all are rejected.
    if (thrown.size === 0) for (const i of idx) thrown.set(i, e);
    const rest = idx.filter((i) => !thrown.has(i));
    let text = '';
    if (rest.length > 0) {
      try {
        text = attempt(rest);
      } catch (again) {
        for (const i of rest) thrown.set(i, again);
      }
    }
    for (const [i, err] of thrown) outcomes[i] = rejectedOutcome(i, held[i]!.reference, [errorFinding(err)]);
    return text;
  }
}

export interface GuardedResponseX12Result {
  readonly text: string | null;
  readonly findings: ReadonlyArray<ResponseWriteFinding | GuardFinding>;
}

/**
 * A PAS Response or Inquiry Response Bundle -> one interchange (see response/x12.ts), checked
 * and written in a guard. Without `usage`, ISA15 is `T` for a bundle tagged as test data.
 */
export function responseBundleToX12(bundle: Bundle | Obj, options: ResponseX12Options = {}): GuardedResponseX12Result {
  const problems = bundleProblems(bundle);
  if (problems.length > 0) return { text: null, findings: problems };
  if (options.request !== undefined && checkBundleShape(options.request).length > 0) {
    const { request: _bad, ...rest } = options;
    options = rest;
  }
  try {
    return writeResponseX12(bundle, { ...options, usage: options.usage ?? usageOfBundle(bundle) });
  } catch (e) {
    return { text: null, findings: [errorFinding(e)] };
  }
}

/** bundleToRequest (the segments of one request bundle), guarded: never throws. */
export function bundleToRequest(bundle: Bundle | Obj, options: BundleWriteOptions = {}): Omit<WrittenRequest, 'findings'> & { readonly findings: ReadonlyArray<WriteFinding | GuardFinding> } {
  const problems = bundleProblems(bundle);
  if (problems.length > 0) return { segments: null, source: null, findings: problems };
  try {
    return writeRequest(bundle, options);
  } catch (e) {
    return { segments: null, source: null, findings: [errorFinding(e)] };
  }
}

/** bundleToResponse (the segments of one response bundle), guarded: never throws. */
export function bundleToResponse(bundle: Bundle | Obj, options: { tables?: CompiledTables; request?: Bundle | Obj } = {}): Omit<WrittenResponse, 'findings'> & { readonly findings: ReadonlyArray<ResponseWriteFinding | GuardFinding> } {
  const problems = bundleProblems(bundle);
  if (problems.length > 0) return { segments: null, source: null, findings: problems };
  try {
    return writeResponse(bundle, options);
  } catch (e) {
    return { segments: null, source: null, findings: [errorFinding(e)] };
  }
}
