import { analyzeTransaction } from '../../grammar/validate.js';
import { readX12Buffer, X12Writer, type ControlNumberAllocator, type TransactionSet } from '../../x12/index.js';
import { decide, errorFor, type Decision, type ItemFacts, type RuleOutcome, type RuleSet } from './rules.js';

/** What the simulator decided for one request: per item, and an error that rejects it all. */
export interface Verdict {
  readonly error: RuleOutcome['error'] | null;
  /** One per item level (2000F levels, or 2000E when there are none), in order. */
  readonly items: readonly (RuleOutcome & { decision: Decision })[];
}

type Els = string[];

interface LevelInfo {
  code: string;
  /** Index of the item this level stands for, or -1. */
  item: number;
}

/** Splits a 278's segments into element arrays (ST and SE left out) and finds its item levels. */
function bodyOf(tx: TransactionSet): { body: Els[]; levels: LevelInfo[]; facts: ItemFacts[] } {
  const body: Els[] = [];
  for (const s of tx.segments) if (s.id !== 'ST' && s.id !== 'SE') body.push(s.elements().slice());
  const component = String.fromCharCode(tx.interchange.delimiters.component);
  const codes = (els: Els, from: number): string[] => {
    const out: string[] = [];
    for (let i = from; i < els.length; i++) {
      const parts = (els[i] ?? '').split(component);
      if (parts[1]) out.push(parts[1].replace('.', ''));
    }
    return out;
  };
  let requester: string | null = null;
  let member: string | null = null;
  let diagnoses: string[] = [];
  const levels: LevelInfo[] = [];
  const perLevel: { code: string; services: string[]; types: string[]; diagnoses: string[]; certification: string | null }[] = [];
  let level = '';
  for (const e of body) {
    if (e[0] === 'HL') {
      level = e[3] ?? '';
      perLevel.push({ code: level, services: [], types: [], diagnoses: [], certification: null });
      continue;
    }
    const cur = perLevel[perLevel.length - 1];
    if (e[0] === 'NM1' && level === '21') requester ??= e[9] || null;
    else if (e[0] === 'NM1' && level === '22' && e[1] === 'IL') member ??= e[9] || null;
    else if (e[0] === 'HI' && cur !== undefined) {
      cur.diagnoses.push(...codes(e, 1));
      if (level === 'EV') diagnoses = [...diagnoses, ...codes(e, 1)];
    } else if ((e[0] === 'SV1' || e[0] === 'SV2' || e[0] === 'SV3') && cur !== undefined) {
      const proc = (e[0] === 'SV2' ? e[2] : e[1]) ?? '';
      const p = proc.split(component)[1];
      if (p) cur.services.push(p);
    } else if (e[0] === 'UM' && cur !== undefined) {
      if (e[3]) cur.types.push(e[3]);
      if (e[2]) cur.certification = e[2];
    }
  }
  const hasSs = perLevel.some((l) => l.code === 'SS');
  const facts: ItemFacts[] = [];
  let eventTypes: string[] = [];
  let eventCertification: string | null = null;
  for (const l of perLevel) {
    if (l.code === 'EV') {
      eventTypes = l.types;
      eventCertification = l.certification;
    }
    const isItem = hasSs ? l.code === 'SS' : l.code === 'EV';
    levels.push({ code: l.code, item: isItem ? facts.length : -1 });
    const cancelled = (l.certification ?? eventCertification) === '3';
    if (isItem) facts.push({ diagnoses, serviceCodes: l.services, serviceTypes: l.types.length > 0 ? l.types : eventTypes, requester, member, cancelled });
  }
  return { body, levels, facts };
}

/** Decides a request by the rules (no side effects). */
export function verdictFor(tx: TransactionSet, rules: RuleSet): Verdict {
  const { facts } = bodyOf(tx);
  const error = errorFor(rules, facts);
  return { error, items: facts.map((f) => decide(rules, f)) };
}

/** Where an AAA for a loop goes: before the first of these segments (or the next HL) after the loop's NM1. */
const AAA_BEFORE: Record<string, { level: string; before: ReadonlySet<string> }> = {
  '2010B': { level: '21', before: new Set(['PRV', 'HL']) },
  '2010C': { level: '22', before: new Set(['DMG', 'INS', 'HL']) },
  '2000E': { level: 'EV', before: new Set(['UM', 'HCR', 'REF', 'DTP', 'HI', 'HSD', 'CL1', 'CR1', 'CR2', 'CR5', 'CR6', 'PWK', 'MSG', 'NM1', 'HL']) },
};
/** Segments that stay before HCR in an event or service level. */
const BEFORE_HCR = new Set(['TRN', 'AAA', 'UM']);

/**
 * The response body (BHT on) a UM system could send for a request: BHT02 11, trace numbers echoed
 * (TRN01 2), the decision (HCR) in each item level, AAA where an error rule says, the authorized
 * quantity halved for a modified item; segments the response guide does not use are left out.
 * `decisions` overrides the verdict's decisions (a later, unsolicited answer).
 */
export function responseBody(tx: TransactionSet, verdict: Verdict, authNumber: (item: number) => string, decisions?: readonly Decision[]): Els[] {
  const { body, levels } = bodyOf(tx);
  const out: Els[] = [];
  const err = verdict.error;
  const aaa = err ? AAA_BEFORE[err.loop]! : null;
  let aaaDone = err === null;
  let hlIndex = -1;
  let level = '';
  let pendingHcr: Els | null = null;
  let sawNm1 = false;
  const flushHcr = (): void => {
    if (pendingHcr !== null) out.push(pendingHcr);
    pendingHcr = null;
  };
  for (const e0 of body) {
    const e = e0.slice();
    const id = e[0]!;
    if (!aaaDone && aaa !== null && level === aaa.level && (aaa.level === 'EV' || sawNm1) && aaa.before.has(id)) {
      if (aaa.level === 'EV') flushHcr();
      out.push(['AAA', 'N', '', err!.reason, err!.action]);
      aaaDone = true;
    }
    if (pendingHcr !== null && !BEFORE_HCR.has(id)) flushHcr();
    if (id === 'HL') {
      hlIndex++;
      level = e[3] ?? '';
      sawNm1 = false;
      const info = levels[hlIndex];
      if (info !== undefined && info.item >= 0 && err === null) {
        const d = decisions?.[info.item] ?? verdict.items[info.item]!.decision;
        pendingHcr = d === 'A1' || d === 'A6' ? ['HCR', d, authNumber(info.item)] : ['HCR', d];
      }
    } else if (id === 'BHT') e[2] = '11';
    else if (id === 'TRN' && e[1] === '1') e[1] = '2';
    else if (id === 'NM1') sawNm1 = true;
    else if (id === 'HSD' && err === null) {
      const info = levels[hlIndex];
      const d = info !== undefined && info.item >= 0 ? (decisions?.[info.item] ?? verdict.items[info.item]!.decision) : null;
      if (d === 'A6' && e[2] !== undefined && /^\d+$/.test(e[2])) e[2] = String(Math.max(1, Math.floor(Number(e[2]) / 2)));
    }
    out.push(e);
  }
  flushHcr();
  if (!aaaDone) out.push(['AAA', 'N', '', err!.reason, err!.action]);
  return out;
}

/** Renders a body as one interchange with one 278 (sender and receiver swapped from the request's). */
export function renderResponse(tx: TransactionSet, body: readonly Els[], controlNumbers: ControlNumberAllocator, now: () => Date = () => new Date()): string {
  const ic = tx.interchange;
  const w = new X12Writer({ delimiters: ic.delimiters, lineEnding: '\n', controlNumbers, now });
  w.beginInterchange({ senderQualifier: ic.receiverQualifier, sender: ic.receiver, receiverQualifier: ic.senderQualifier, receiver: ic.sender, usage: ic.usage === 'T' ? 'T' : 'P' });
  w.beginGroup({ functionalId: 'HI', sender: tx.group?.receiver ?? ic.receiver, receiver: tx.group?.sender ?? ic.sender, version: tx.implementation });
  w.beginTransaction('278', tx.implementation);
  for (const s of body) w.segment(s);
  w.endTransaction();
  w.endGroup();
  w.endInterchange();
  return w.drain();
}

/**
 * Leaves out the segments our response grammar (X217 or X215) says the response does not use,
 * until none is left; returns the body and the errors that remain.
 */
export function pruneResponse(tx: TransactionSet, body: Els[]): { body: Els[]; errors: string[] } {
  // Responses of the same shape prune the same way: the grammar reads segment ids, qualifiers and HL levels.
  const key = `${tx.implementation}\n${body.map((e) => `${e[0]}|${e[1] ?? ''}|${e[0] === 'HL' ? (e[3] ?? '') : ''}`).join('\n')}`;
  const known = pruned.get(key);
  if (known !== undefined) return { body: body.filter((_, i) => !known.has(i)), errors: [] };
  const r = pruneUncached(tx, body);
  if (r.errors.length === 0) {
    const kept = new Set(r.body);
    if (pruned.size >= 1000) pruned.delete(pruned.keys().next().value as string);
    pruned.set(key, new Set(body.flatMap((e, i) => (kept.has(e) ? [] : [i]))));
  }
  return r;
}

/** Response shape -> indices of the body the grammar leaves out (clean results only). */
const pruned = new Map<string, ReadonlySet<number>>();

function pruneUncached(tx: TransactionSet, body: Els[]): { body: Els[]; errors: string[] } {
  const probe = { nextInterchange: () => '000000001', nextGroup: () => '1', nextTransaction: () => '0001' };
  for (let round = 0; round < 6; round++) {
    const text = renderResponse(tx, body, probe, () => new Date(0));
    const ev = readX12Buffer(Buffer.from(text, 'latin1')).find((x) => x.kind === 'transaction');
    if (ev === undefined || ev.kind !== 'transaction') return { body, errors: ['not read back'] };
    const a = analyzeTransaction(ev.transaction);
    const drop = new Set(a.findings.filter((f) => f.code === 'SEGMENT_NOT_USED' || f.code === 'UNEXPECTED_SEGMENT').map((f) => f.position));
    if (drop.size === 0) {
      const errors = [...ev.transaction.findings, ...a.findings].filter((f) => f.severity === 'error').map((f) => (f.segment !== undefined ? `${f.code} at ${f.segment}` : f.code));
      return { body, errors };
    }
    // Finding positions count from ST = 1; body[0] is the segment after ST.
    body = body.filter((_, i) => !drop.has(i + 2));
  }
  return { body, errors: ['could not make a clean response'] };
}
