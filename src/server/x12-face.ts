import type { Bundle } from '@medplum/fhirtypes';
import { analyzeTransaction } from '../grammar/validate.js';
import { requestToBundle, responseBundleToX12 } from '../mapping/index.js';
import { PAS_EXTENSION } from '../pas/constants.js';
import type { PasVersion } from '../pas/versions.js';
import { StoreControlNumbers } from '../store/control-numbers.js';
import { AckBuilder, readX12Buffer, type Finding, type TransactionSet } from '../x12/index.js';
import { sha256 } from './answers.js';
import type { Gateway } from './gateway.js';
import { applyResponses } from './pas/submit.js';
import { UpstreamError } from './upstream/types.js';
import { factsOf } from './x12-facts.js';

/** Calls a PAS base (a payer's, or this gateway's own PAS face). */
export type PasCall = (operation: '$submit' | '$inquire', pasVersion: PasVersion, body: unknown) => Promise<{ status: number; body: unknown }>;

export interface X12FaceResult {
  /** 5xx when the PAS upstream failed; 200 otherwise (rejections are in the acknowledgments). */
  status: number;
  /** TA1/999 interchange(s), '' when none is due. */
  acks: string;
  /** 278 response interchange(s), '' when none. */
  responses: string;
  outcome: string;
  sender: string;
}

const reject = (message: string): Finding => ({ severity: 'error', code: 'PAS_REJECTED', message, ack: { level: 'transaction', code: '5' } });

/**
 * The X12 face: a 278 interchange in; each request or inquiry goes to the PAS API as a bundle and
 * its answer comes back as a 278 response; a 278 response (a UM system's later decision) updates
 * the store. A 999 says per transaction set whether it was taken (and a TA1 when asked for or
 * when the envelope is wrong). Each 278 request is keyed for idempotency by sender and control
 * numbers: the same interchange sent again gets the same answer without a second call.
 */
export async function x12Face(g: Gateway, text: string, call: PasCall): Promise<X12FaceResult> {
  const events = readX12Buffer(Buffer.from(text, 'latin1'));
  const sender = events.map((e) => (e.kind === 'transaction' ? e.transaction.interchange.sender : e.kind === 'interchange-end' ? e.interchange.sender : null)).find((s) => s !== null) ?? 'unknown';
  const acks = new AckBuilder({ controlNumbers: new StoreControlNumbers(g.store, `x12:${sender}`) });
  const responses: string[] = [];
  let status = 200;
  const outcomes = new Set<string>();
  const pasVersion = g.pasUpstream?.pasVersion ?? g.config.x12.pasVersion;
  for (const ev of events) {
    if (ev.kind === 'group-end') acks.groupEnd(ev.group);
    else if (ev.kind === 'interchange-end') acks.interchangeEnd(ev.interchange);
    else if (ev.kind === 'transaction') {
      const tx = ev.transaction;
      const extra = tx.accepted ? analyzeTransaction(tx).findings : [];
      if (!tx.accepted || extra.some((f) => f.severity === 'error')) {
        outcomes.add('rejected');
        acks.transaction(tx, extra);
        continue;
      }
      try {
        const r = await oneTransaction(g, tx, pasVersion, call);
        if (r.response !== null) responses.push(r.response);
        outcomes.add(r.outcome);
        acks.transaction(tx, r.problem !== null ? [...extra, reject(r.problem)] : extra);
      } catch (e) {
        if (!(e instanceof UpstreamError)) throw e;
        g.log.warn('PAS upstream failed', { error: e.message, timeout: e.timeout });
        status = e.timeout ? 504 : 502;
        outcomes.add(e.timeout ? 'timeout' : 'upstream-failed');
        break;
      }
    }
  }
  return { status, acks: acks.drain(), responses: responses.join(''), outcome: [...outcomes].join(',') || 'empty', sender };
}

async function oneTransaction(g: Gateway, tx: TransactionSet, pasVersion: PasVersion, call: PasCall): Promise<{ response: string | null; outcome: string; problem: string | null }> {
  const facts = factsOf(tx);
  if (facts.purpose === '11') {
    const r = applyResponses(g, [tx], tx.segments.map((s) => s.raw()).join('~'), 'unsolicited');
    return { response: null, outcome: r.applied > 0 ? 'update-applied' : 'update-unknown', problem: null };
  }
  const key = `${tx.interchange.control}:${tx.group?.control ?? ''}:${tx.control}`;
  const who = tx.interchange.sender;
  const begun = g.store.begin('x12', who, key, pasVersion, sha256(tx.segments.map((s) => s.raw()).join('~')), null);
  if (begun.kind === 'existing' && begun.record.answer !== null) return { response: begun.record.answer.body, outcome: 'replayed', problem: null };
  const id = begun.kind === 'new' ? begun.id : begun.record.id;
  const read = requestToBundle(tx, { pasVersion });
  if (read.bundle === null) {
    g.store.abandon(id);
    return { response: null, outcome: 'rejected', problem: 'the 278 could not be read as a PAS bundle' };
  }
  const bundle = read.bundle as Bundle;
  const inquiry = tx.implementation === '005010X215';
  let r: { status: number; body: unknown };
  try {
    r = await call(inquiry ? '$inquire' : '$submit', pasVersion, bundle);
  } catch (e) {
    g.store.abandon(id);
    throw e;
  }
  if (r.status >= 400) {
    g.store.abandon(id);
    const oo = r.body as { issue?: { details?: { text?: string } }[] } | null;
    return { response: null, outcome: 'rejected', problem: `the PAS API refused it (${r.status}): ${oo?.issue?.map((i) => i.details?.text ?? '').join('; ') ?? ''}`.slice(0, 500) };
  }
  const answers = answerBundles(r.body);
  const texts: string[] = [];
  for (const a of answers) {
    const w = responseBundleToX12(withoutTransmissionIds(a), { request: bundle, controlNumbers: new StoreControlNumbers(g.store, `x12:${who}`), sender: tx.interchange.receiver, receiver: tx.interchange.sender });
    if (w.text === null) {
      g.store.abandon(id);
      return { response: null, outcome: 'untranslatable', problem: `the PAS answer cannot be written as a 278 response: ${w.findings.filter((f) => f.severity === 'error').map((f) => f.message).join('; ')}` };
    }
    texts.push(w.text);
  }
  const response = texts.join('');
  g.store.answer(id, { status: 200, contentType: 'application/edi-x12', body: response }, response, []);
  return { response, outcome: inquiry ? 'inquired' : 'submitted', problem: null };
}

/** The Response Bundles in a `$submit` answer (a Bundle) or a `$inquire` answer (2.2.1: a Parameters of `return`s). */
function answerBundles(body: unknown): Bundle[] {
  const b = body as { resourceType?: string; parameter?: { name?: string; resource?: Bundle }[] } | null;
  if (b?.resourceType === 'Bundle') return [b as Bundle];
  if (b?.resourceType === 'Parameters') return (b.parameter ?? []).filter((p) => p.name === 'return' && p.resource !== undefined).map((p) => p.resource!);
  return [];
}

/**
 * The answer without its TransmissionIdentifiers: those name the PAS side's envelope, while the
 * 278 response goes back to the sender of the request (responseBundleToX12 prefers the bundle's
 * identifiers to the options).
 */
function withoutTransmissionIds(bundle: Bundle): Bundle {
  const b = structuredClone(bundle);
  const first = b.entry?.[0]?.resource as { extension?: { url?: string }[] } | undefined;
  if (first?.extension !== undefined) first.extension = first.extension.filter((e) => e.url !== PAS_EXTENSION.transmissionIdentifiers);
  return b;
}
