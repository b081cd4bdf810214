import type { UpstreamLimits } from '../config.js';
import { HttpPoster } from './http.js';
import { UpstreamError, type PasUpstream } from './types.js';

/** A payer's PAS FHIR base: bundles POSTed to `Claim/$submit` and `Claim/$inquire`. */
export class PasFhirUpstream implements PasUpstream {
  private readonly poster: HttpPoster;
  constructor(
    readonly name: string,
    private readonly base: string,
    readonly pasVersion: '2.2.1' | '2.0.1',
    limits: UpstreamLimits,
  ) {
    this.poster = new HttpPoster(limits);
  }

  async call(operation: '$submit' | '$inquire', body: unknown): Promise<{ status: number; body: unknown }> {
    const r = await this.poster.post(`${this.base}/Claim/${operation}`, JSON.stringify(body), 'application/fhir+json', 'application/fhir+json', operation === '$inquire');
    if (r.status >= 500) throw new UpstreamError(`upstream ${this.name} answered ${r.status}`, false);
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(r.text);
    } catch {
      throw new UpstreamError(`upstream ${this.name} answered ${r.status} with a body that is not JSON`, false);
    }
    return { status: r.status, body: parsed };
  }

  close(): void {}
}
