import { RequestInterchange, responseBundleToX12 } from '../mapping/guard.js';
import { MemoryControlNumbers, type ControlNumberAllocator } from '../x12/index.js';
import type { Charset } from '../x12/characters.js';
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirItem } from './fhir-input.js';
import { requestFinderFor } from './request-file.js';
import type { RequestFinder } from '../mapping/request/finder.js';

/** Where the X12 text and the report lines of a FHIR -> X12 conversion go, as they are made. */
export interface FhirX12Sink {
  /** Whole interchanges, each ending with a line break. */
  text(x12: string): Promise<void>;
  report(line: string): Promise<void>;
}

/** The envelope settings of a FHIR -> X12 run (a partner's): each absent one is taken from the bundles, else defaulted. */
export interface FhirEnvelopeOptions {
  /** ISA06/GS02. */
  readonly sender?: string;
  /** ISA08/GS03. */
  readonly receiver?: string;
  /** ISA05 (default ZZ). */
  readonly senderQualifier?: string;
  /** ISA07 (default ZZ). */
  readonly receiverQualifier?: string;
  /** ISA15: T or P (default: T for bundles tagged as test data, else P). */
  readonly usage?: 'T' | 'P';
  /** The characters the partner takes: utf8 (default) or plain ascii. */
  readonly charset?: Charset;
}

/** Bundles written into one interchange at most (and held in memory at once). */
export const FHIR_BUNDLES_PER_INTERCHANGE = 500;

/** Whether a bundle answers (a ClaimResponse and no Claim; PAS puts it first): written as a 278 response, not a request. */
function isResponse(bundle: Record<string, unknown>): boolean {
  const entries = bundle.entry;
  if (!Array.isArray(entries)) return false;
  const types = (entries as Array<{ resource?: { resourceType?: unknown } } | undefined>).map((e) => e?.resource?.resourceType);
  return types[0] === 'ClaimResponse' || (types.includes('ClaimResponse') && !types.includes('Claim'));
}

/**
 * PAS bundles -> X12, as they are read: Request and Inquiry Request Bundles into an interchange
 * of 278 requests and inquiries, up to FHIR_BUNDLES_PER_INTERCHANGE of them; each Response or
 * Inquiry Response Bundle into an interchange of its own, after the request interchange it came
 * with. So a file of fewer bundles gives one request interchange and its responses after it, and
 * memory holds one interchange's bundles whatever the input's size. A bundle that cannot be
 * written (or an item that is not a bundle) is left out and reported; warnings (a time zone X12
 * cannot hold, a default written) are reported for the bundles written too. Every interchange
 * of a converter takes its ISA13 from one allocator: no two share one.
 */
export class FhirToX12 {
  converted = 0;
  rejected = 0;
  /** Items read: bundles, and lines or files that are not one. */
  read = 0;
  /** The request bundles of the interchange being made, converted as they come (only what was written from them is kept), and where each came from. */
  private readonly requests: RequestInterchange;
  private requestPlaces: string[] = [];
  private responses: Array<{ readonly where: string; readonly bundle: Record<string, unknown> }> = [];
  private errors: string[] = [];
  private readonly envelope: FhirEnvelopeOptions & { readonly controlNumbers: ControlNumberAllocator; readonly lineEnding: '\n' };
  private readonly finder: RequestFinder | null;

  constructor(
    o: FhirEnvelopeOptions & { readonly requests?: readonly string[]; readonly controlNumbers?: ControlNumberAllocator },
    private readonly sink: FhirX12Sink,
    private readonly perInterchange = FHIR_BUNDLES_PER_INTERCHANGE,
  ) {
    this.envelope = {
      controlNumbers: o.controlNumbers ?? new MemoryControlNumbers(),
      lineEnding: '\n',
      ...(o.sender !== undefined ? { sender: o.sender } : {}),
      ...(o.receiver !== undefined ? { receiver: o.receiver } : {}),
      ...(o.senderQualifier !== undefined ? { senderQualifier: o.senderQualifier } : {}),
      ...(o.receiverQualifier !== undefined ? { receiverQualifier: o.receiverQualifier } : {}),
      ...(o.usage !== undefined ? { usage: o.usage } : {}),
      ...(o.charset !== undefined ? { charset: o.charset } : {}),
    };
    this.finder = o.requests !== undefined && o.requests.length > 0 ? requestFinderFor(o.requests) : null;
    this.requests = new RequestInterchange(this.envelope);
  }

  async add(item: FhirItem): Promise<void> {
    this.read++;
    if ('error' in item) {
      this.rejected++;
      this.errors.push(JSON.stringify({ file: item.where, status: 'rejected', findings: [{ severity: 'error', code: item.code, message: item.error }] }));
    } else if (isResponse(item.bundle)) this.responses.push(item);
    else {
      this.requests.add(item.bundle);
      this.requestPlaces.push(item.where);
    }
    if (this.requests.size >= this.perInterchange || this.responses.length >= this.perInterchange) await this.flush();
  }

  /** Writes what is held: the request interchange, then the responses (call at the end). */
  async flush(): Promise<void> {
    const [errors, places, responses] = [this.errors, this.requestPlaces, this.responses];
    const r = places.length > 0 ? this.requests.finish() : null;
    this.errors = [];
    this.requestPlaces = [];
    this.responses = [];
    for (const line of errors) await this.sink.report(line);
    if (r !== null) {
      for (const x of r.outcomes) {
        if (x.status === 'rejected') this.rejected++;
        else this.converted++;
        if (x.status === 'rejected' || x.findings.length > 0) {
          await this.sink.report(JSON.stringify({ file: places[x.index]!, bundle: x.reference, control: x.control, status: x.status, findings: x.findings }));
        }
      }
      if (r.text !== '') await this.sink.text(r.text);
    }
    for (const item of responses) {
      // The request it answers names the requester when the response does not carry it (--request).
      const match = this.finder?.findForBundle(item.bundle as unknown as Bundle);
      const w = responseBundleToX12(item.bundle, { ...this.envelope, ...(match?.bundle ? { request: match.bundle } : {}) });
      if (w.text === null) this.rejected++;
      else {
        this.converted++;
        await this.sink.text(w.text);
      }
      if (w.text === null || w.findings.length > 0) {
        const reference = (item.bundle.identifier as { value?: unknown } | undefined)?.value ?? null;
        await this.sink.report(JSON.stringify({ file: item.where, bundle: reference, status: w.text === null ? 'rejected' : 'converted', findings: w.findings }));
      }
    }
  }
}
