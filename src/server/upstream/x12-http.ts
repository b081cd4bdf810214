import type { UpstreamLimits } from '../config.js';
import { buildCore, CoreEnvelopeError, parseCore, PAYLOAD, SOAP_CONTENT_TYPE } from '../core-envelope.js';
import { HttpPoster } from './http.js';
import { UpstreamError, type X12Upstream } from './types.js';

/** A UM system reached by X12 over HTTP: the raw interchange, or in the CAQH CORE SOAP envelope. */
export class X12HttpUpstream implements X12Upstream {
  private readonly poster: HttpPoster;
  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly envelope: 'raw' | 'core',
    limits: UpstreamLimits,
    private readonly ids: { sender: string; receiver: string },
  ) {
    this.poster = new HttpPoster(limits);
  }

  async exchange(x12: string, options: { safeToRetry: boolean }): Promise<string> {
    if (this.envelope === 'raw') {
      const r = await this.poster.post(this.url, x12, 'application/edi-x12', 'application/edi-x12', options.safeToRetry);
      if (r.status !== 200) throw new UpstreamError(`upstream ${this.name} answered ${r.status}`, false);
      return r.text;
    }
    const xml = buildCore({ kind: 'request', payloadType: PAYLOAD.request278, senderId: this.ids.sender, receiverId: this.ids.receiver, payload: x12 });
    const r = await this.poster.post(this.url, xml, `${SOAP_CONTENT_TYPE}; charset=utf-8`, SOAP_CONTENT_TYPE, options.safeToRetry);
    if (r.status !== 200) throw new UpstreamError(`upstream ${this.name} answered ${r.status}`, false);
    try {
      const m = parseCore(r.text);
      if (m.errorCode !== undefined && m.errorCode !== 'Success') throw new UpstreamError(`upstream ${this.name}: CORE error ${m.errorCode}`, false);
      return m.payload;
    } catch (e) {
      if (e instanceof CoreEnvelopeError) throw new UpstreamError(`upstream ${this.name}: ${e.message}`, false);
      throw e;
    }
  }

  close(): void {}
}
