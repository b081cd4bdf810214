import type { UpstreamLimits } from '../config.js';
import { Limit } from './limit.js';
import { UpstreamError } from './types.js';

/** Errors that mean the request never reached the upstream, so sending it again is safe. */
const UNSENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(e: unknown): string | undefined {
  const c = (e as { cause?: { code?: string } }).cause;
  return c?.code ?? (e as { code?: string }).code;
}

/**
 * One HTTP POST with the upstream's limits: a timeout, a concurrency limit, and retries when the
 * upstream could not be reached at all (or for any failure when the caller says the call is safe
 * to repeat, as an inquiry is).
 */
export class HttpPoster {
  private readonly limit: Limit;
  constructor(private readonly limits: UpstreamLimits) {
    this.limit = new Limit(limits.concurrency);
  }

  async post(url: string, body: string, contentType: string, accept: string, safeToRetry: boolean): Promise<{ status: number; text: string; contentType: string }> {
    return this.limit.run(async () => {
      let last: unknown;
      for (let attempt = 0; attempt <= this.limits.retries; attempt++) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            body,
            headers: { 'content-type': contentType, accept },
            signal: AbortSignal.timeout(this.limits.timeoutMs),
          });
          const text = await res.text();
          if (res.status >= 500 && safeToRetry && attempt < this.limits.retries) {
            last = new UpstreamError(`upstream answered ${res.status}`, false);
            continue;
          }
          return { status: res.status, text, contentType: res.headers.get('content-type') ?? '' };
        } catch (e) {
          const name = (e as Error).name;
          if (name === 'TimeoutError' || name === 'AbortError') throw new UpstreamError(`upstream ${url} timed out after ${this.limits.timeoutMs} ms`, true);
          last = e;
          if (!(safeToRetry || UNSENT.has(causeCode(e) ?? ''))) break;
        }
      }
      if (last instanceof UpstreamError) throw last;
      throw new UpstreamError(`upstream ${url} failed: ${(last as Error)?.message ?? String(last)}${causeCode(last) ? ` (${causeCode(last)})` : ''}`, false);
    });
  }
}
