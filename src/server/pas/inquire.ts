import type { Bundle } from '@medplum/fhirtypes';
import { bundlesToRequestX12, inquireOutput } from '../../mapping/index.js';
import type { PasVersion } from '../../pas/versions.js';
import { StoreControlNumbers } from '../../store/control-numbers.js';
import { MemoryControlNumbers } from '../../x12/index.js';
import { asInquiryResponse, convertResponse, transactionsOf } from '../answers.js';
import { claimIdentifiers } from '../bundle-facts.js';
import type { Gateway } from '../gateway.js';
import { fhirJson, operationOutcome, upstreamFailure, type HttpAnswer } from '../outcome.js';
import { UpstreamError } from '../upstream/types.js';
import { factsOf, tracesOf } from '../x12-facts.js';
import { readPasBundle } from './parse.js';

/**
 * `Claim/$inquire`: the answer comes from the store when it knows the authorization (PAS's
 * matching: the requester and the member must match, then the references the inquiry names —
 * trace numbers, authorization or administrative reference numbers); otherwise the inquiry goes
 * to the UM system as an X215 and its answer is translated back.
 */
export async function inquire(g: Gateway, pasVersion: PasVersion, text: string, client: string | null = null): Promise<{ answer: HttpAnswer; outcome: string; submitter: string }> {
  const read = readPasBundle(g, text, pasVersion, 'inquiry-request');
  if ('answer' in read) return { answer: read.answer, outcome: 'rejected', submitter: 'unknown' };
  const bundle = read.bundle;
  const p = g.umPartner;
  const ids = { sender: p.config.sender, receiver: p.config.receiver, senderQualifier: p.config.senderQualifier, receiverQualifier: p.config.receiverQualifier, usage: p.config.usage };
  // The X215 the inquiry is: its parties and trace numbers are what the store is searched by.
  const probe = bundlesToRequestX12([bundle], { ...ids, controlNumbers: new MemoryControlNumbers() });
  const o = probe.outcomes[0]!;
  if (o.status !== 'converted' || probe.text === '') {
    return { answer: operationOutcome(422, o.findings.filter((f) => f.severity === 'error').map((f) => ({ code: 'not-supported' as const, text: `cannot be written as an X215 inquiry: ${f.message}` }))), outcome: 'rejected', submitter: 'unknown' };
  }
  const probeTxs = transactionsOf(probe.text).txs;
  const facts = factsOf(probeTxs[0]!);
  const submitter = client ?? facts.requesterId ?? 'unknown';
  const refs = new Set([...claimIdentifiers(bundle as unknown as Record<string, unknown>), ...probeTxs.flatMap((tx) => tracesOf(factsOf(tx)))]);
  for (const tx of probeTxs) for (const s of tx.segments) if (s.id === 'REF') { const e = s.elements(); if (e[2]) refs.add(e[2]); }
  const found = g.store.match({ requesterId: facts.requesterId, memberId: facts.memberId, references: [...refs], ...(client !== null ? { submitter: client } : {}) });
  if (found.length > 0) {
    const bundles = found.map((r) => asInquiryResponse(JSON.parse(r.answer!.body) as Bundle));
    const out = inquireOutput(pasVersion === '2.0.1' ? bundles.slice(-1) : bundles, pasVersion);
    if (out.resource !== null) return { answer: fhirJson(200, out.resource), outcome: 'from-store', submitter };
  }
  // Not known here: ask the UM system.
  const w = bundlesToRequestX12([bundle], { ...ids, controlNumbers: new StoreControlNumbers(g.store, p.name) });
  let x12: string;
  const started = performance.now();
  try {
    x12 = await p.upstream.exchange(w.text, { safeToRetry: true });
    g.metrics.upstreamLatency.observe({ upstream: p.upstream.name, outcome: 'ok' }, (performance.now() - started) / 1000);
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    g.metrics.upstreamLatency.observe({ upstream: p.upstream.name, outcome: e.timeout ? 'timeout' : 'failed' }, (performance.now() - started) / 1000);
    g.log.warn('upstream failed', { upstream: p.upstream.name, timeout: e.timeout, error: e.message });
    return { answer: upstreamFailure(e.timeout), outcome: e.timeout ? 'timeout' : 'upstream-failed', submitter };
  }
  const { txs, problems } = transactionsOf(x12);
  const bundles: Bundle[] = [];
  for (const tx of txs) {
    const c = convertResponse(tx, pasVersion, bundle);
    if ('problem' in c) {
      g.log.warn('upstream inquiry answer unusable', { problem: c.problem });
      return { answer: upstreamFailure(false), outcome: 'upstream-failed', submitter };
    }
    bundles.push(c.bundle);
  }
  if (bundles.length === 0) {
    g.log.warn('upstream inquiry answer unusable', { problem: problems.join('; ') || 'no 278' });
    return { answer: upstreamFailure(false), outcome: 'upstream-failed', submitter };
  }
  const out = inquireOutput(pasVersion === '2.0.1' ? bundles.slice(0, 1) : bundles, pasVersion);
  if (out.resource === null) return { answer: upstreamFailure(false), outcome: 'upstream-failed', submitter };
  return { answer: fhirJson(200, out.resource), outcome: 'from-upstream', submitter };
}
