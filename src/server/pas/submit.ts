import { setTimeout as sleep } from 'node:timers/promises';
import type { Bundle } from '@medplum/fhirtypes';
import { bundlesToRequestX12 } from '../../mapping/index.js';
import type { PasVersion } from '../../pas/versions.js';
import { StoreControlNumbers } from '../../store/control-numbers.js';
import type { ItemDecision, SubmissionRecord } from '../../store/types.js';
import type { TransactionSet } from '../../x12/index.js';
import { convertResponse, pendedResponse, sha256, transactionsOf, type ConvertedResponse } from '../answers.js';
import { mergeItems, mergeResponse, priorOf, renumberResponse, sentItems, sequenceOf, withPriorNumbers, withSequences, type SentItem, type UpdateContext } from './update.js';
import { bundleIdentifier, claimIdentifiers, submitterOf } from '../bundle-facts.js';
import type { Gateway } from '../gateway.js';
import { fhirJson, operationOutcome, upstreamFailure, type HttpAnswer } from '../outcome.js';
import { UpstreamError } from '../upstream/types.js';
import { factsOf, itemLevels, tracesOf } from '../x12-facts.js';
import { checkPasBundle, parseJson } from './parse.js';
import { notifyDecision } from '../subscriptions/notify.js';

/** Writes the bundle's 278 for the UM partner with control numbers from the store. */
function write278(g: Gateway, bundle: Bundle): { text: string; controls: StoreControlNumbers } | { answer: HttpAnswer } {
  const p = g.umPartner;
  const controls = new StoreControlNumbers(g.store, p.name);
  const w = bundlesToRequestX12([bundle], {
    sender: p.config.sender,
    receiver: p.config.receiver,
    senderQualifier: p.config.senderQualifier,
    receiverQualifier: p.config.receiverQualifier,
    usage: p.config.usage,
    controlNumbers: controls,
  });
  const o = w.outcomes[0]!;
  if (o.status !== 'converted' || w.text === '') {
    const errors = o.findings.filter((f) => f.severity === 'error');
    return { answer: operationOutcome(422, errors.map((f) => ({ code: 'not-supported' as const, text: `cannot be written as a 278: ${f.message}${'row' in f && f.row ? ` (mapping row ${f.row})` : ''}` }))) };
  }
  return { text: w.text, controls };
}

/** `Claim/$submit`: validate, claim the idempotency key, write the 278, exchange, translate back, store. */
export async function submit(g: Gateway, pasVersion: PasVersion, text: string, client: string | null = null): Promise<{ answer: HttpAnswer; outcome: string; submitter: string }> {
  const hash = sha256(text);
  const parsed = parseJson(text, g.config.maxJsonDepth);
  if ('answer' in parsed) return { answer: parsed.answer, outcome: 'rejected', submitter: 'unknown' };
  // A submission answered before is answered again from the store, before any other work.
  const early = storedAnswer(g, pasVersion, parsed.value, hash, client);
  if (early !== null) return early;
  const read = checkPasBundle(g, parsed.value, pasVersion, 'request');
  if ('answer' in read) return { answer: read.answer, outcome: 'rejected', submitter: 'unknown' };
  const bundle = read.bundle;
  const b = bundle as unknown as Record<string, unknown>;
  const submitter = client ?? submitterOf(b);
  const key = idempotencyKey(pasVersion, b, hash);
  // A Claim Update: its prior must be known here and still open (else refused, nothing stored or sent).
  const update = priorOf(g, bundle, submitter);
  if (update !== null && 'answer' in update) return { answer: update.answer, outcome: update.outcome, submitter };
  const begun = g.store.begin('pas', submitter, key, pasVersion, hash, text);
  let id: number;
  if (begun.kind === 'existing') {
    const rec = begun.record;
    if (rec.state === 'answered' && rec.answer !== null) return { answer: rec.answer, outcome: 'replayed', submitter };
    const running = g.inflight.get(rec.id);
    if (running !== undefined) return { answer: await running, outcome: 'joined', submitter };
    // Left pending by a process that stopped: nobody got an answer, so it is sent again.
    g.store.restart(rec.id);
    id = rec.id;
  } else id = begun.id;
  const work = exchange(g, id, pasVersion, bundle, update);
  g.inflight.set(id, work.then((r) => r.answer));
  try {
    const r = await work;
    return { ...r, submitter };
  } finally {
    g.inflight.delete(id);
  }
}

/** A submission's key: Bundle.identifier (else the body's hash), per PAS base (each version answers in its own shape). */
function idempotencyKey(pasVersion: PasVersion, bundle: Record<string, unknown>, hash: string): string {
  return `${pasVersion}|${bundleIdentifier(bundle) ?? `sha256:${hash}`}`;
}

/** The stored answer of a submission with the same identifier from the same submitter, if there is one. */
function storedAnswer(g: Gateway, pasVersion: PasVersion, b: unknown, hash: string, client: string | null): { answer: HttpAnswer; outcome: string; submitter: string } | null {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return null;
  const o = b as Record<string, unknown>;
  const submitter = client ?? submitterOf(o);
  const rec = g.store.find('pas', submitter, idempotencyKey(pasVersion, o, hash));
  return rec !== null && rec.state === 'answered' && rec.answer !== null ? { answer: rec.answer, outcome: 'replayed', submitter } : null;
}

/**
 * The answer to store and send for a converted 278 response: items numbered by the Claim items
 * the 278 sent; for an update the UM system accepted, merged with the prior's current state (and
 * taking its place). An update the UM system rejected (AAA) leaves the prior as it was.
 */
function settle(converted: ConvertedResponse, sent: readonly SentItem[], update: UpdateContext | null): { answer: HttpAnswer; items: ItemDecision[]; supersedes?: number } {
  renumberResponse(converted.bundle, sent);
  const change = withSequences(converted.items, sent);
  if (update === null || converted.facts.errors.length > 0 || update.prior.answer === null) return { answer: fhirJson(200, converted.bundle), items: change };
  const merged = mergeResponse(converted.bundle, JSON.parse(update.prior.answer.body) as Bundle, new Set(change.map(sequenceOf)));
  return { answer: fhirJson(200, merged), items: mergeItems(update.priorItems, change), supersedes: update.prior.id };
}

async function exchange(g: Gateway, id: number, pasVersion: PasVersion, request: Bundle, update: UpdateContext | null): Promise<{ answer: HttpAnswer; outcome: string }> {
  // An update names its items' prior authorization numbers (2000F REF*BB): the UM system's link to its record.
  const bundle = update === null ? request : withPriorNumbers(request, update.priorItems);
  const sent = sentItems(bundle);
  const written = write278(g, bundle);
  if ('answer' in written) {
    g.store.abandon(id);
    return { answer: written.answer, outcome: 'rejected' };
  }
  const { txs } = transactionsOf(written.text);
  const reqTx = txs[0]!;
  const facts = factsOf(reqTx);
  const issued = written.controls.issued;
  g.store.correlate(id, {
    partner: g.umPartner.name,
    bht03: facts.bht03,
    claimIdentifier: claimIdentifiers(bundle as unknown as Record<string, unknown>)[0] ?? null,
    requesterId: facts.requesterId,
    memberId: facts.memberId,
    payerId: facts.payerId,
    isa13: issued.isa[0] ?? null,
    gs06: issued.gs[0] ?? null,
    st02: issued.st[0] ?? null,
    requestX12: written.text,
    traces: tracesOf(facts),
  });
  const started = performance.now();
  const upstream = g.umPartner.upstream;
  const call = upstream.exchange(written.text, { safeToRetry: false }).then(
    (x12) => {
      g.metrics.upstreamLatency.observe({ upstream: upstream.name, outcome: 'ok' }, (performance.now() - started) / 1000);
      g.metrics.upstreamCalls.inc({ upstream: upstream.name, outcome: 'ok' });
      return { x12 };
    },
    (e: unknown) => {
      const outcome = e instanceof UpstreamError && e.timeout ? 'timeout' : 'failed';
      g.metrics.upstreamLatency.observe({ upstream: upstream.name, outcome }, (performance.now() - started) / 1000);
      g.metrics.upstreamCalls.inc({ upstream: upstream.name, outcome });
      return { error: e };
    },
  );
  const budget = new AbortController();
  const first = await Promise.race([call, sleep(g.config.syncBudgetMs, null, { signal: budget.signal }).catch(() => null)]);
  budget.abort();
  if (first === null) {
    // Not answered within the budget: the items are pended now; the answer, when it comes, updates the store.
    const pended = pendedResponse(reqTx, itemLevels(facts).length, pasVersion, bundle);
    if ('problem' in pended) {
      g.store.abandon(id);
      g.log.error('pended answer failed', { submission: id, problem: pended.problem });
      return { answer: upstreamFailure(true), outcome: 'failed' };
    }
    const { answer, items, supersedes } = settle(pended, sent, update);
    g.store.answer(id, answer, null, items, supersedes);
    const late = call.then((r) => {
      if ('x12' in r) applyResponseText(g, r.x12, 'late');
      else g.log.warn('late upstream failure; items stay pended', { submission: id, error: (r.error as Error).message });
    });
    g.background.add(late);
    void late.finally(() => g.background.delete(late));
    return { answer, outcome: 'pended' };
  }
  if ('error' in first) {
    g.store.abandon(id);
    const e = first.error;
    if (!(e instanceof UpstreamError)) throw e;
    g.log.warn('upstream failed', { submission: id, upstream: upstream.name, timeout: e.timeout, error: e.message });
    return { answer: upstreamFailure(e.timeout), outcome: e.timeout ? 'timeout' : 'upstream-failed' };
  }
  const { txs: resTxs, problems } = transactionsOf(first.x12);
  const resTx = resTxs[0];
  const converted = resTx === undefined ? { problem: problems.join('; ') || 'no 278 response' } : convertResponse(resTx, pasVersion, bundle);
  if ('problem' in converted) {
    g.store.abandon(id);
    g.log.warn('upstream answer unusable', { submission: id, problem: converted.problem });
    return { answer: upstreamFailure(false), outcome: 'upstream-failed' };
  }
  const { answer, items, supersedes } = settle(converted, sent, update);
  g.store.answer(id, answer, first.x12, items, supersedes);
  return { answer, outcome: `${update !== null ? 'update-' : ''}${outcomeOf(converted.items, converted.facts.errors)}` };
}

function outcomeOf(items: readonly ItemDecision[], errors: readonly string[]): string {
  if (errors.length > 0) return 'error';
  const ds = new Set(items.map((i) => i.decision));
  return ds.size === 1 ? `decided-${[...ds][0] ?? 'none'}` : 'decided-mixed';
}

/**
 * A 278 response that arrives on its own (a pended item decided later, or an answer that came
 * after the budget): the submission it answers is found by its echoed trace numbers (else BHT03),
 * its stored answer and item decisions are updated. Returns how many responses were applied.
 */
export function applyResponseText(g: Gateway, x12: string, how: string): { applied: number; unknown: number } {
  return applyResponses(g, transactionsOf(x12).txs, x12, how);
}

/** applyResponseText for transaction sets already read; `x12` is the text they came in (stored with the answer). */
export function applyResponses(g: Gateway, txs: readonly TransactionSet[], x12: string, how: string): { applied: number; unknown: number } {
  let applied = 0;
  let unknown = 0;
  for (const tx of txs) {
    const facts = factsOf(tx);
    const echoes = facts.levels.map((l) => l.echo).filter((t): t is string => t !== null);
    const rec = g.store.findByTraces(echoes, facts.bht03);
    if (rec === null || rec.requestBody === null || rec.pasVersion === null) {
      unknown++;
      g.metrics.unsolicited.inc({ outcome: 'unknown' });
      g.log.warn('278 response for no known submission', { how, control: tx.control });
      continue;
    }
    const request = JSON.parse(rec.requestBody) as Bundle;
    const converted = convertResponse(tx, rec.pasVersion as PasVersion, request);
    if ('problem' in converted) {
      g.metrics.unsolicited.inc({ outcome: 'unusable' });
      g.log.warn('278 response unusable', { how, submission: rec.id, problem: converted.problem });
      continue;
    }
    const late = lateState(g, rec, request, converted);
    if (late === null) {
      g.metrics.unsolicited.inc({ outcome: 'superseded' });
      g.log.info('late decision for items updated since; the update stands', { how, submission: rec.id });
      continue;
    }
    const { target, answer, items } = late;
    g.store.update(target.id, answer, x12, items);
    g.store.audit({ who: rec.correlation.partner || 'upstream', kind: `278.${how}`, outcome: outcomeOf(converted.items, converted.facts.errors), submissionId: target.id, bytesIn: x12.length, bytesOut: 0, sha256In: sha256(x12) });
    g.metrics.unsolicited.inc({ outcome: 'applied' });
    const notified = notifyDecision(g, target, answer.body);
    g.log.info('decision updated', { how, submission: target.id, items: converted.items.length, notified });
    applied++;
  }
  return { applied, unknown };
}


/**
 * Where a later 278 response lands and the state it makes. It answers `rec`; the current state is
 * `rec`'s own or, when a Claim Update took its place, the update's. Only the items still as `rec`
 * left them take the new decisions (an update's own decisions stay); null when none is.
 */
function lateState(g: Gateway, rec: SubmissionRecord, request: Bundle, converted: ConvertedResponse): { target: SubmissionRecord; answer: HttpAnswer; items: ItemDecision[] } | null {
  const sent = sentItems(request);
  renumberResponse(converted.bundle, sent);
  const change = withSequences(converted.items, sent);
  const target = rec.supersededBy === null ? rec : (g.store.latest(rec.id) ?? rec);
  const current = g.store.items(target.id);
  let applied = change;
  if (target.id !== rec.id) {
    const own = new Map(g.store.items(rec.id).map((i) => [sequenceOf(i), i] as const));
    const now = new Map(current.map((i) => [sequenceOf(i), i] as const));
    applied = change.filter((c) => {
      const o = own.get(sequenceOf(c));
      const t = now.get(sequenceOf(c));
      return o !== undefined && t !== undefined && o.decision === t.decision && o.authNumber === t.authNumber && t.cancelled !== true;
    });
    if (applied.length === 0) return null;
  }
  const take = new Set(applied.map(sequenceOf));
  const stored = target.answer === null ? null : (JSON.parse(target.answer.body) as Bundle);
  const body =
    target.id === rec.id || stored === null
      ? mergeResponse(converted.bundle, stored, take)
      : mergeResponse(stored, converted.bundle, new Set(current.map(sequenceOf).filter((q) => !take.has(q))));
  return { target, answer: fhirJson(200, body), items: mergeItems(current, applied) };
}
