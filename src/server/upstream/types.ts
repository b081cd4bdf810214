/** Upstreams are adapters behind small interfaces: X12 in and out, or PAS bundles in and out. */

/** A UM system that takes a 278 interchange and answers one (the simulator, or X12 over HTTP). */
export interface X12Upstream {
  readonly name: string;
  /** Sends an interchange of 278 requests or inquiries; resolves with the 278 response interchange. */
  exchange(x12: string, options: { safeToRetry: boolean }): Promise<string>;
  close(): void;
}

/** A payer's PAS FHIR base. */
export interface PasUpstream {
  readonly name: string;
  readonly pasVersion: '2.2.1' | '2.0.1';
  /** POSTs a bundle to `Claim/$submit` or `Claim/$inquire`; resolves with the HTTP status and JSON body. */
  call(operation: '$submit' | '$inquire', body: unknown): Promise<{ status: number; body: unknown }>;
  close(): void;
}

/** The upstream failed or timed out: the gateway answers 5xx (PAS: no OperationOutcome). */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly timeout: boolean,
  ) {
    super(message);
  }
}
