import type { TransactionSet } from '../x12/index.js';
import type { ItemDecision } from '../store/types.js';

/** One patient-event (EV) or service (SS) level of a 278. */
export interface Level {
  readonly code: 'EV' | 'SS';
  /** TRN01 1: the sender's own trace number. */
  readonly trace: string | null;
  /** TRN01 2: a trace number echoed back (responses). */
  readonly echo: string | null;
  readonly decision: string | null;
  readonly authNumber: string | null;
  /** AAA03 reject reasons at this level. */
  readonly errors: readonly string[];
}

/** What the gateway reads off a 278 by itself: parties, trace numbers, decisions (no mapping needed). */
export interface Facts278 {
  readonly implementation: string;
  /** BHT02: 13 request, 11 response. */
  readonly purpose: string;
  readonly bht03: string | null;
  readonly payerId: string | null;
  readonly requesterId: string | null;
  readonly memberId: string | null;
  readonly levels: readonly Level[];
  /** AAA03 reject reasons anywhere. */
  readonly errors: readonly string[];
}

/** Reads a 278's facts from its segments. */
export function factsOf(tx: TransactionSet): Facts278 {
  let purpose = '';
  let bht03: string | null = null;
  let payerId: string | null = null;
  let requesterId: string | null = null;
  let memberId: string | null = null;
  const levels: { code: 'EV' | 'SS'; trace: string | null; echo: string | null; decision: string | null; authNumber: string | null; errors: string[] }[] = [];
  const errors: string[] = [];
  let level = '';
  for (const s of tx.segments) {
    const e = s.elements();
    const id = e[0];
    if (id === 'BHT') {
      purpose = e[2] ?? '';
      bht03 = e[3] || null;
    } else if (id === 'HL') {
      level = e[3] ?? '';
      if (level === 'EV' || level === 'SS') levels.push({ code: level, trace: null, echo: null, decision: null, authNumber: null, errors: [] });
    } else if (id === 'NM1') {
      const value = e[9] || null;
      if (level === '20') payerId ??= value;
      else if (level === '21') requesterId ??= value;
      else if (level === '22' && e[1] === 'IL') memberId ??= value;
    } else if (id === 'TRN') {
      const l = levels[levels.length - 1];
      if (l === undefined || (level !== 'EV' && level !== 'SS')) continue;
      if (e[1] === '1') l.trace ??= e[2] || null;
      else if (e[1] === '2') l.echo ??= e[2] || null;
    } else if (id === 'HCR') {
      const l = levels[levels.length - 1];
      if (l === undefined || (level !== 'EV' && level !== 'SS')) continue;
      l.decision = e[1] || null;
      l.authNumber = e[2] || null;
    } else if (id === 'AAA') {
      const reason = e[3] ?? '';
      errors.push(reason);
      const l = levels[levels.length - 1];
      if (l !== undefined && (level === 'EV' || level === 'SS')) l.errors.push(reason);
    }
  }
  return { implementation: tx.implementation, purpose, bht03, payerId, requesterId, memberId, levels, errors };
}

/** The levels PAS items stand for: the service levels when there are any, else the event levels. */
export function itemLevels(f: Facts278): Level[] {
  const ss = f.levels.filter((l) => l.code === 'SS');
  return ss.length > 0 ? ss : f.levels.filter((l) => l.code === 'EV');
}

/** Item decisions of a 278 response, in order. */
export function decisionsOf(response: Facts278): ItemDecision[] {
  const ev = response.levels.find((l) => l.code === 'EV');
  return itemLevels(response).map((l, i) => ({
    position: i + 1,
    trace: l.echo ?? l.trace,
    // A 2000F without HCR takes the event's decision.
    decision: l.decision ?? (l.code === 'SS' ? (ev?.decision ?? null) : null),
    authNumber: l.authNumber ?? (l.code === 'SS' ? (ev?.authNumber ?? null) : null),
  }));
}

/** Every trace number a 278 carries (own and echoed). */
export function tracesOf(f: Facts278): string[] {
  const out = new Set<string>();
  for (const l of f.levels) {
    if (l.trace !== null) out.add(l.trace);
    if (l.echo !== null) out.add(l.echo);
  }
  return [...out];
}
