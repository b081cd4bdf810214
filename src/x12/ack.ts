import type { ControlNumberAllocator } from './control-numbers.js';
import { MemoryControlNumbers } from './control-numbers.js';
import type { GroupInfo, InterchangeInfo, TransactionSet } from './envelope.js';
import type { Finding } from './finding.js';
import { X12Writer } from './writer.js';

export interface AckOptions {
  controlNumbers?: ControlNumberAllocator;
  now?: () => Date;
  /** Send a TA1 for every interchange, not only when asked (ISA14=1) or when it has problems. */
  alwaysTa1?: boolean;
}

interface GroupAck {
  group: GroupInfo;
  /** Rendered AK2 loops: [elements][] per transaction set. */
  loops: string[][][];
  received: number;
  accepted: number;
}

interface InterchangeAck {
  ic: InterchangeInfo;
  groups: GroupAck[];
}

/**
 * Builds acknowledgments as input is read: a TA1 per interchange (when asked for or when the
 * envelope has problems) and a 999 (005010X231A1) per functional group, with IK3/IK4 for segment
 * and element errors and IK5/AK9 verdicts. Later layers add their findings to a transaction's
 * list before handing it here, so one 999 carries everything.
 */
export class AckBuilder {
  private readonly controls: ControlNumberAllocator;
  private readonly now: () => Date;
  private readonly alwaysTa1: boolean;
  private current: InterchangeAck | null = null;
  private readonly groupsByRef = new Map<GroupInfo, GroupAck>();
  private out: string[] = [];

  constructor(options: AckOptions = {}) {
    this.controls = options.controlNumbers ?? new MemoryControlNumbers();
    this.now = options.now ?? (() => new Date());
    this.alwaysTa1 = options.alwaysTa1 ?? false;
  }

  /** Adds a transaction set's verdict; `extra` are findings of later layers (grammar, mapping). */
  transaction(tx: TransactionSet, extra: readonly Finding[] = []): void {
    const ica = this.interchange(tx.interchange);
    if (tx.group === null) return; // no functional group: reported in the TA1 (note 024)
    let ga = this.groupsByRef.get(tx.group);
    if (ga === undefined) {
      ga = { group: tx.group, loops: [], received: 0, accepted: 0 };
      this.groupsByRef.set(tx.group, ga);
      ica.groups.push(ga);
    }
    const findings = extra.length > 0 ? [...tx.findings, ...extra] : tx.findings;
    const verdict = transactionVerdict(findings);
    ga.received++;
    if (verdict.code !== 'R') ga.accepted++;
    ga.loops.push(ak2Loop(tx, findings, verdict));
  }

  groupEnd(group: GroupInfo): void {
    const ica = this.interchange(group.interchange);
    if (!this.groupsByRef.has(group)) {
      const ga: GroupAck = { group, loops: [], received: 0, accepted: 0 };
      this.groupsByRef.set(group, ga);
      ica.groups.push(ga);
    }
  }

  interchangeEnd(ic: InterchangeInfo): void {
    const ica = this.interchange(ic);
    this.render(ica);
    for (const g of ica.groups) this.groupsByRef.delete(g.group);
    this.current = null;
  }

  /** The acknowledgment interchanges built so far (and clears them). */
  drain(): string {
    const s = this.out.join('');
    this.out = [];
    return s;
  }

  /**
   * A TA1 rejecting an interchange whose ISA could not be used (ISA_DELIMITERS, ISA_UNREADABLE),
   * when its fields can be read: ISA05-ISA10 and ISA13 well formed. Written with the
   * conventional separators (the input's are unusable). Returns whether one was written.
   */
  unusableInterchange(f: Finding): boolean {
    const isa = f.isa;
    if (isa === undefined || isa.length < 14 || f.ack?.level !== 'interchange') return false;
    const [q1, id1, q2, id2, date, time, control] = [isa[5]!, isa[6]!.trim(), isa[7]!, isa[8]!.trim(), isa[9]!, isa[10]!, isa[13]!];
    if (!/^[0-9]{9}$/.test(control) || !/^[0-9]{6}$/.test(date) || !/^[0-9]{4}$/.test(time)) return false;
    if (!/^[A-Z0-9]{2}$/.test(q1) || !/^[A-Z0-9]{2}$/.test(q2) || !/^[A-Za-z0-9 .,\-/()#&'+=?!%@]{1,15}$/.test(id1) || !/^[A-Za-z0-9 .,\-/()#&'+=?!%@]{1,15}$/.test(id2)) return false;
    const w = new X12Writer({ lineEnding: '\n', controlNumbers: this.controls, now: this.now });
    w.beginInterchange({ senderQualifier: q2, sender: id2, receiverQualifier: q1, receiver: id1, usage: isa[15] === 'T' ? 'T' : 'P' });
    w.segment(['TA1', control, date, time, 'R', f.ack.note]);
    w.endInterchange();
    this.out.push(w.drain());
    return true;
  }

  private interchange(ic: InterchangeInfo): InterchangeAck {
    if (this.current === null || this.current.ic !== ic) this.current = { ic, groups: [] };
    return this.current;
  }

  private render(ica: InterchangeAck): void {
    const ic = ica.ic;
    const ta1 = ta1Segment(ic);
    const wantTa1 = this.alwaysTa1 || ic.ackRequested || ta1[4] !== 'A';
    const groups = ic.rejected ? [] : ica.groups;
    if (!wantTa1 && groups.length === 0) return;
    const w = new X12Writer({ delimiters: ic.delimiters, lineEnding: ic.lineEnding, controlNumbers: this.controls, now: this.now });
    w.beginInterchange({
      senderQualifier: ic.receiverQualifier,
      sender: ic.receiver,
      receiverQualifier: ic.senderQualifier,
      receiver: ic.sender,
      usage: ic.usage === 'T' || ic.usage === 'I' ? ic.usage : 'P',
    });
    if (wantTa1) w.segment(ta1);
    for (const ga of groups) {
      const g = ga.group;
      w.beginGroup({ functionalId: 'FA', sender: g.receiver, receiver: g.sender, version: '005010X231A1' });
      w.beginTransaction('999', '005010X231A1');
      w.segment(['AK1', g.functionalId, g.control, g.version]);
      for (const loop of ga.loops) for (const seg of loop) w.segment(seg);
      w.segment(ak9(ga));
      w.endTransaction();
      w.endGroup();
    }
    w.endInterchange();
    this.out.push(w.drain());
  }
}

interface Verdict {
  code: 'A' | 'E' | 'R';
  reasons: string[];
}

function transactionVerdict(findings: readonly Finding[]): Verdict {
  let errors = false;
  let warnings = false;
  let segmentErrors = false;
  const reasons: string[] = [];
  for (const f of findings) {
    if (f.severity === 'error') errors = true;
    else if (f.severity === 'warning' && f.ack !== undefined) warnings = true;
    const a = f.ack;
    if (a === undefined) continue;
    if (a.level === 'transaction' && a.code !== '' && !reasons.includes(a.code)) reasons.push(a.code);
    if ((a.level === 'segment' || a.level === 'element') && f.severity === 'error') segmentErrors = true;
  }
  if (segmentErrors && !reasons.includes('5')) reasons.push('5');
  if (errors && reasons.length === 0) reasons.push('5');
  return { code: errors ? 'R' : warnings ? 'E' : 'A', reasons: reasons.slice(0, 5) };
}

/** AK2, then IK3 (+ IK4) per segment in error, then IK5. */
function ak2Loop(tx: TransactionSet, findings: readonly Finding[], verdict: Verdict): string[][] {
  const segs: string[][] = [['AK2', tx.type, tx.control, tx.implementation]];
  const comp = String.fromCharCode(tx.interchange.delimiters.component);
  // Segment- and element-level findings, grouped by segment position, in order.
  const bySegment = new Map<number, Finding[]>();
  for (const f of findings) {
    const a = f.ack;
    if (a === undefined || (a.level !== 'segment' && a.level !== 'element')) continue;
    const pos = f.position ?? 0;
    let list = bySegment.get(pos);
    if (list === undefined) bySegment.set(pos, (list = []));
    list.push(f);
  }
  for (const pos of [...bySegment.keys()].sort((a, b) => a - b)) {
    const list = bySegment.get(pos)!;
    const first = list[0]!;
    const segAck = list.find((f) => f.ack?.level === 'segment')?.ack;
    const elemFirst = list.find((f) => f.ack?.level === 'element')?.ack;
    const ik304 =
      segAck?.level === 'segment' ? segAck.code : elemFirst?.level === 'element' ? (elemFirst.segmentCode ?? '8') : '8';
    segs.push(['IK3', clean(first.segment ?? ''), pos > 0 ? String(pos) : '', clean(first.loop ?? ''), ik304]);
    for (const f of list) {
      const a = f.ack;
      if (a?.level !== 'element') continue;
      let where = String(a.element);
      if (a.component !== undefined || a.repetition !== undefined) where += comp + (a.component ?? '');
      if (a.repetition !== undefined) where += comp + a.repetition;
      segs.push(['IK4', where, a.elementRef, a.code, clean(a.value ?? '').slice(0, 99)]);
    }
  }
  segs.push(['IK5', verdict.code, ...verdict.reasons]);
  return segs;
}

function ak9(ga: GroupAck): string[] {
  const g = ga.group;
  const codes: string[] = [];
  let groupErrors = false;
  let groupWarnings = false;
  for (const f of g.findings) {
    if (f.severity === 'error') groupErrors = true;
    else if (f.severity === 'warning') groupWarnings = true;
    if (f.ack?.level === 'group' && f.ack.code !== '' && !codes.includes(f.ack.code)) codes.push(f.ack.code);
  }
  const declared = g.declaredCount ?? ga.received;
  let code: string;
  if (ga.received === 0 || ga.accepted === 0) code = 'R';
  else if (ga.accepted < ga.received) code = 'P';
  else if (groupErrors || groupWarnings || ga.loops.some((l) => l[l.length - 1]![1] === 'E')) code = 'E';
  else code = 'A';
  return ['AK9', code, String(declared), String(ga.received), String(ga.accepted), ...codes.slice(0, 5)];
}

/** TA1 for an interchange: the first rejecting note wins, else the first note, else 000. */
function ta1Segment(ic: InterchangeInfo): string[] {
  let note = '000';
  let code: 'A' | 'E' | 'R' = 'A';
  for (const f of ic.findings) {
    const a = f.ack;
    if (a?.level !== 'interchange') continue;
    if (a.reject) {
      if (code !== 'R') note = a.note;
      code = 'R';
    } else if (code === 'A' && f.severity === 'error') {
      code = 'E';
      note = a.note;
    }
  }
  return ['TA1', ic.control, ic.date, ic.time, code, note];
}

/** Values copied into an acknowledgment must not hold delimiters of their own. */
function clean(v: string): string {
  return v.replace(/[^A-Za-z0-9 .,\-/()#&'+=?!%@]/g, '');
}
