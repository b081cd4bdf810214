import { MemoryControlNumbers, readX12Buffer, type TransactionSet } from '../../x12/index.js';
import { pruneResponse, renderResponse, responseBody, verdictFor } from './respond.js';
import type { Decision, RuleSet } from './rules.js';

export class SimulatorError extends Error {}

export interface SimulatorOptions {
  rules: RuleSet;
  /** Receives each later decision as a 278 response interchange (unsolicited). */
  deliver?: (x12: string) => void | Promise<void>;
  /** Reports a failed delivery (the simulator does not retry). */
  onDeliveryError?: (err: unknown) => void;
  now?: () => Date;
}

/**
 * A utilization-management system that speaks 278s: it reads X217 requests and X215 inquiries and
 * answers each with a 278 response decided by its rules. A pended item with a later decision is
 * decided after the rule's delay and the new response is delivered unsolicited. It remembers what
 * it decided (in memory) to answer inquiries about it.
 */
export class UmSimulator {
  private readonly rules: RuleSet;
  private readonly controls: MemoryControlNumbers;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly known = new Map<string, Decision[]>();
  private authCount = 0;
  private readonly authPrefix: string;
  private readonly options: SimulatorOptions;

  constructor(options: SimulatorOptions) {
    this.options = options;
    this.rules = options.rules;
    // Our own numbers differ from one run to the next (the simulator keeps no state on disk).
    const seed = Math.floor(Date.now() / 1000) % 900_000_000;
    this.controls = new MemoryControlNumbers({ interchange: seed, group: seed });
    this.authPrefix = `SIM${(Date.now() % 1_000_000_000).toString(36).toUpperCase()}`;
  }

  /** Answers every 278 of an interchange (text) with a 278 response interchange. */
  respond(text: string): string {
    const out: string[] = [];
    for (const ev of readX12Buffer(Buffer.from(text, 'latin1'))) {
      if (ev.kind !== 'transaction') continue;
      const tx = ev.transaction;
      if (!tx.accepted) throw new SimulatorError(`278 ${tx.control} rejected: ${tx.findings.map((f) => f.code).join(', ')}`);
      out.push(this.answer(tx));
    }
    if (out.length === 0) throw new SimulatorError('no 278 in the request');
    return out.join('');
  }

  private answer(tx: TransactionSet): string {
    const verdict = verdictFor(tx, this.rules);
    const key = this.keyOf(tx);
    const inquiry = tx.implementation === '005010X215';
    // An inquiry about something decided before gets the decisions as they stand now.
    const remembered = inquiry && key !== null ? this.known.get(key) : undefined;
    const decisions = remembered ?? verdict.items.map((i) => i.decision);
    const auth = (): string => `${this.authPrefix}${String(++this.authCount).padStart(6, '0')}`;
    const text = this.render(tx, verdict, decisions, auth);
    if (!inquiry && verdict.error === null) {
      if (key !== null) this.known.set(key, decisions);
      const later = verdict.items.map((i) => (i.decision === 'A4' && i.later !== undefined ? i.later : null));
      const delay = Math.max(0, ...verdict.items.map((i) => (i.decision === 'A4' && i.later !== undefined ? (i.laterMs ?? 0) : 0)));
      if (later.some((d) => d !== null)) this.schedule(tx, verdict, decisions.map((d, i) => later[i] ?? d), delay, key);
    }
    return text;
  }

  private render(tx: TransactionSet, verdict: ReturnType<typeof verdictFor>, decisions: readonly Decision[], auth: () => string): string {
    const numbers: string[] = [];
    const body = responseBody(tx, verdict, (i) => (numbers[i] ??= auth()), decisions);
    const pruned = pruneResponse(tx, body);
    if (pruned.errors.length > 0) throw new SimulatorError(`could not answer 278 ${tx.control}: ${pruned.errors.join('; ')}`);
    return renderResponse(tx, pruned.body, this.controls, this.options.now);
  }

  private schedule(tx: TransactionSet, verdict: ReturnType<typeof verdictFor>, decisions: Decision[], delay: number, key: string | null): void {
    // tx's segments are views on the buffer respond() made from the request: it lives as long as the timer.
    const t = setTimeout(() => {
      this.timers.delete(t);
      try {
        const auth = (): string => `${this.authPrefix}${String(++this.authCount).padStart(6, '0')}`;
        const answer = this.render(tx, verdict, decisions, auth);
        if (key !== null) this.known.set(key, decisions);
        void Promise.resolve(this.options.deliver?.(answer)).catch((e: unknown) => this.options.onDeliveryError?.(e));
      } catch (e) {
        this.options.onDeliveryError?.(e);
      }
    }, delay);
    t.unref();
    this.timers.add(t);
  }

  /** Requester, member and first trace number: what an inquiry about the same request repeats. */
  private keyOf(tx: TransactionSet): string | null {
    let requester = '';
    let member = '';
    let trace = '';
    let level = '';
    for (const s of tx.segments) {
      const e = s.elements();
      if (e[0] === 'HL') level = e[3] ?? '';
      else if (e[0] === 'NM1' && level === '21') requester ||= e[9] ?? '';
      else if (e[0] === 'NM1' && level === '22') member ||= e[9] ?? '';
      else if (e[0] === 'TRN' && level === 'EV') trace ||= e[2] ?? '';
    }
    return requester && member ? `${requester}|${member}|${trace}` : null;
  }

  /** Pended decisions still to be delivered. */
  get scheduled(): number {
    return this.timers.size;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
