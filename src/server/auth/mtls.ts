/**
 * Mutual TLS per client. A client registered with `--require-mtls` names its certificate by
 * SHA-256 fingerprint and/or subject; its token requests and every call with its tokens must come
 * over a TLS connection that presented that certificate, verified against `tls.clientCaFile`.
 */
import type { Context } from 'hono';
import type { TLSSocket } from 'node:tls';
import type { MtlsRequirement } from '../../store/types.js';

/** The verified client certificate of a connection: its SHA-256 fingerprint (lower-case hex) and subject fields. */
export interface PeerCertificate {
  sha256: string;
  subject: Readonly<Record<string, string | readonly string[]>>;
}

/** Where the X12 face's in-process call to the PAS face carries its caller's certificate. */
export const PEER_ENV = 'x12pasPeer';

/** A fingerprint as the store keeps it: 64 hex digits, lower case, no colons; null when it is not one. */
export function normalFingerprint(s: string): string | null {
  const hex = s.replace(/[:\s]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

/** "CN=clinic-a, O=Clinic A" -> [[CN, clinic-a], [O, Clinic A]]; null when a part has no "=". */
export function subjectParts(s: string): Array<[string, string]> | null {
  const parts = s.split(/\s*[,/]\s*/).filter((p) => p !== '');
  const out: Array<[string, string]> = [];
  for (const p of parts) {
    const at = p.indexOf('=');
    if (at <= 0) return null;
    out.push([p.slice(0, at).trim(), p.slice(at + 1).trim()]);
  }
  return out.length > 0 ? out : null;
}

/** The request's verified client certificate, or null (plain HTTP, none presented, or not issued by the configured CA). */
export function peerCertificate(c: Context): PeerCertificate | null {
  const env = c.env as { incoming?: { socket?: unknown }; [PEER_ENV]?: PeerCertificate | null } | undefined;
  if (env?.[PEER_ENV] !== undefined) return env[PEER_ENV];
  const socket = env?.incoming?.socket as TLSSocket | undefined;
  if (socket === undefined || typeof socket.getPeerCertificate !== 'function' || socket.authorized !== true) return null;
  const cert = socket.getPeerCertificate();
  if (cert === null || typeof cert.fingerprint256 !== 'string') return null;
  return { sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(), subject: cert.subject as unknown as Record<string, string | string[]> };
}

/** Whether a certificate is the one a client registered (every field it named matches). */
export function certificateMatches(want: MtlsRequirement, cert: PeerCertificate | null): boolean {
  if (cert === null || (want.sha256 === null && want.subject === null)) return false;
  if (want.sha256 !== null && cert.sha256 !== want.sha256) return false;
  if (want.subject !== null) {
    const parts = subjectParts(want.subject);
    if (parts === null) return false;
    for (const [k, v] of parts) {
      const got = cert.subject[k];
      if (!(Array.isArray(got) ? got.includes(v) : got === v)) return false;
    }
  }
  return true;
}
