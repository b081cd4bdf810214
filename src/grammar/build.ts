/**
 * The generic engine: walks a transaction set's segments once against a compiled grammar and
 * builds the loop tree (HL levels nested by HL02, name loops inside them), reporting structural
 * problems as findings with their loop, position and 999 target. Never throws on bad input.
 *
 * Placing a segment (innermost open loop first, then its HL level):
 *   1. a row at or after the current standard position (the normal case);
 *   2. a row before it: "not in proper sequence" (IK304 7);
 *   3. a 'not used' row: IK304 I4;
 *   4. a row of that segment whose qualifier does not match: IK4 code 7 on the qualifier;
 *   5. nothing: "unexpected segment" (IK304 2).
 * Rows of one standard position (the DTPs of 2000E, its 2010EA/EB/EC loops) may come in any order.
 */
import type { Finding, Segment, TransactionSet } from '../x12/index.js';
import { LoopNode, type Grammar, type KeyDef, type LoopDef, type LoopTree, type SegmentNode, type SegmentRow, type Slot } from './types.js';

export interface LoopTreeResult {
  readonly tree: LoopTree;
  readonly findings: Finding[];
}

/** An open loop instance. Three frames (header, HL level, name loop) are reused for the whole walk. */
interface Frame {
  /** Null under an HL level the grammar does not know: its segments are kept, not checked. */
  def: LoopDef | null;
  node: LoopNode;
  /** Standard position reached (group of the last row placed in order). */
  cursor: number;
  /** Uses per slot in this loop instance (a reused buffer; zeroed when the frame opens). */
  counts: Int32Array;
  open: boolean;
}

/** Count buffers shared by every walk: the walk is synchronous, so one set is enough. */
let scratchHl: Int32Array = new Int32Array(64);
let scratchName: Int32Array = new Int32Array(64);
let scratchRoot: Int32Array = new Int32Array(16);
let scratchLevels: Int32Array = new Int32Array(256);

function sized(buf: Int32Array, n: number): Int32Array {
  if (buf.length >= n) {
    buf.fill(0, 0, n);
    return buf;
  }
  return new Int32Array(Math.max(n, buf.length * 2));
}

interface HlRecord {
  /** Index in the walk's HL list (HL01 should be index + 1). */
  readonly index: number;
  readonly id: string;
  readonly level: string;
  readonly hasChildren: string;
  readonly def: LoopDef | null;
  readonly node: LoopNode;
  readonly segment: Segment;
  readonly position: number;
  readonly parent: HlRecord | null;
  /** Every HL naming this one in HL02. */
  children: number;
  /** Children whose level the grammar knows (for the branch rule). */
  knownChildren: number;
  /** The level or one of its name loops holds the grammar's rejection segment (AAA). */
  ownRejection: boolean;
  /** ownRejection, or an ancestor's. */
  rejected: boolean;
}
const FORWARD = 0;
const BACKWARD = 1;
const QUALIFIER = 2;

/** Builds the loop tree of `tx` under `grammar`. */
export function buildLoopTree(tx: TransactionSet, grammar: Grammar): LoopTreeResult {
  return new TreeBuilder(tx, grammar).run();
}

class TreeBuilder {
  private readonly findings: Finding[] = [];
  private readonly root: LoopNode;
  /** Every segment's node, by position - 1. */
  private readonly flat: SegmentNode[] = [];
  private readonly rootFrame: Frame;
  private readonly hlFrame: Frame;
  private readonly nameFrame: Frame;
  private readonly hls: HlRecord[] = [];
  /** HL01 values that do not count up (the usual ids are found by index). */
  private hlById: Map<string, HlRecord> | null = null;
  /** Children per (HL index, level index); row -1 is the transaction (root levels). */
  private levelCounts: Int32Array;
  private currentHl: HlRecord | null = null;
  private firstHlPosition = 0;
  // The segment being placed, and its qualifier (read at most once).
  private seg: Segment | null = null;
  private qual: string | null = null;

  constructor(
    private readonly tx: TransactionSet,
    private readonly g: Grammar,
  ) {
    this.root = new LoopNode('', null, null);
    scratchRoot = sized(scratchRoot, g.header.slots.length);
    scratchHl = sized(scratchHl, g.maxSlots);
    scratchName = sized(scratchName, g.maxSlots);
    // One row per segment is an upper bound on HL levels, plus the transaction row.
    scratchLevels = sized(scratchLevels, (tx.segments.length + 1) * g.levels.length);
    this.levelCounts = scratchLevels;
    this.rootFrame = { def: g.header, node: this.root, cursor: 0, counts: scratchRoot, open: true };
    this.hlFrame = { def: null, node: this.root, cursor: 0, counts: scratchHl, open: false };
    this.nameFrame = { def: null, node: this.root, cursor: 0, counts: scratchName, open: false };
  }

  run(): LoopTreeResult {
    const segs = this.tx.segments;
    const n = segs.length;
    if (n === 0) return { tree: { grammar: this.g, root: this.root, segments: this.flat }, findings: this.findings };
    const trailer = this.g.trailer;
    for (let i = 0; i < n; i++) {
      const s = segs[i]!;
      const pos = i + 1;
      if (s.id === 'HL') {
        this.closeName(pos);
        this.closeHl(pos);
        this.openHl(s, pos);
      } else if (i === n - 1 && i > 0 && s.id === trailer.segment) {
        this.closeName(pos);
        this.closeHl(pos);
        this.put(this.root, s, pos, trailer);
      } else {
        this.place(s, pos);
      }
    }
    this.closeName(n);
    this.closeHl(n);
    this.finish(n);
    return { tree: { grammar: this.g, root: this.root, segments: this.flat }, findings: this.findings };
  }

  /** Adds a segment's node to its loop and to the flat list. */
  private put(node: LoopNode, s: Segment, pos: number, row: SegmentRow | null): void {
    const sn: SegmentNode = { segment: s, position: pos, row };
    node.segments.push(sn);
    this.flat[pos - 1] = sn;
  }

  // -------------------------------------------------------------------------------------------
  // Placing one segment

  private place(s: Segment, pos: number): void {
    const outer = this.hlFrame.open ? this.hlFrame : this.rootFrame;
    if (s.id === this.g.rejection && this.currentHl !== null) this.currentHl.ownRejection = true;
    if (outer.def === null) {
      this.put(outer.node, s, pos, null);
      return;
    }
    const num = this.g.segmentNumbers.get(s.id);
    if (num === undefined) return this.unexpected(s, pos);
    this.seg = s;
    this.qual = null;
    const inner = this.nameFrame.open ? this.nameFrame : null;
    let slot: Slot | null;
    // 1. In order.
    if (inner !== null && (slot = this.scan(inner, num, FORWARD)) !== null) return this.take(inner, slot, s, pos, FORWARD);
    if ((slot = this.scan(outer, num, FORWARD)) !== null) return this.take(outer, slot, s, pos, FORWARD);
    // 2. A row this loop has already passed.
    if (inner !== null && (slot = this.scan(inner, num, BACKWARD)) !== null) return this.take(inner, slot, s, pos, BACKWARD);
    if ((slot = this.scan(outer, num, BACKWARD)) !== null) return this.take(outer, slot, s, pos, BACKWARD);
    // 3. A 'not used' row.
    if (inner !== null && (slot = this.notUsed(inner, num)) !== null) return this.take(inner, slot, s, pos, FORWARD);
    if ((slot = this.notUsed(outer, num)) !== null) return this.take(outer, slot, s, pos, FORWARD);
    // 4. The segment belongs here but its qualifier fits no row.
    if (inner !== null && (slot = this.anyKeyed(inner, num)) !== null) return this.take(inner, slot, s, pos, QUALIFIER);
    if ((slot = this.anyKeyed(outer, num)) !== null) return this.take(outer, slot, s, pos, QUALIFIER);
    // 5.
    this.unexpected(s, pos);
  }

  /** First slot for segment number `num` in order (FORWARD) or already passed (BACKWARD), key matching. */
  private scan(f: Frame, num: number, dir: number): Slot | null {
    const list = f.def!.candidates[num];
    if (list === undefined) return null;
    const inner = f === this.nameFrame;
    for (let i = 0; i < list.length; i++) {
      const slot = list[i]!;
      if (dir === FORWARD ? slot.group < f.cursor : slot.group >= f.cursor) continue;
      if (inner && slot.index === 0) continue; // a name loop's trigger starts the next instance
      const row = slot.kind === 'segment' ? slot : slot.trigger;
      if (row.usage === 'not-used') continue;
      if (row.key !== null && !this.matches(row.key)) continue;
      return slot;
    }
    return null;
  }

  private notUsed(f: Frame, num: number): Slot | null {
    const list = f.def!.candidates[num];
    if (list === undefined) return null;
    for (const slot of list) if (slot.kind === 'segment' && slot.usage === 'not-used' && (slot.key === null || this.matches(slot.key))) return slot;
    return null;
  }

  /** A keyed row (or name loop) of this segment, preferring one in order. */
  private anyKeyed(f: Frame, num: number): Slot | null {
    const list = f.def!.candidates[num];
    if (list === undefined) return null;
    const inner = f === this.nameFrame;
    let passed: Slot | null = null;
    for (const slot of list) {
      if (inner && slot.index === 0) continue;
      const row = slot.kind === 'segment' ? slot : slot.trigger;
      if (row.key === null || row.usage === 'not-used') continue;
      if (slot.group >= f.cursor) return slot;
      passed ??= slot;
    }
    return passed;
  }

  private matches(key: KeyDef): boolean {
    return key.values.includes(this.qualifier(key));
  }

  /** The segment's qualifier value, read once (every key of a segment names the same element). */
  private qualifier(key: KeyDef): string {
    if (this.qual === null) {
      const s = this.seg!;
      const v = s.element(key.element);
      if (key.component > 0) {
        const parts = v.split(String.fromCharCode(s.delimiters.component));
        this.qual = parts[key.component - 1] ?? '';
      } else {
        this.qual = v;
      }
    }
    return this.qual;
  }

  private take(f: Frame, slot: Slot, s: Segment, pos: number, how: number): void {
    if (f !== this.nameFrame) this.closeName(pos);
    if (slot.kind === 'loop') {
      const count = ++f.counts[slot.index]!;
      const node = new LoopNode(slot.id, slot, f.node);
      f.node.children.push(node);
      const nf = this.nameFrame;
      nf.def = slot;
      nf.node = node;
      nf.cursor = slot.trigger.group;
      nf.counts.fill(0, 0, slot.slots.length);
      nf.counts[0] = 1;
      nf.open = true;
      this.put(node, s, pos, slot.trigger);
      if (how === FORWARD || (how === QUALIFIER && slot.group >= f.cursor)) f.cursor = slot.group;
      if (how === QUALIFIER) this.qualifierFinding(slot.trigger, slot, f, s, pos);
      else if (how === BACKWARD) this.outOfOrder(slot.trigger, f, s, pos, slot.id);
      if (count > slot.max) {
        this.segmentFinding('LOOP_MAX_USE', `loop ${slot.id} (${slot.label}) occurs ${count} times in ${where(f.def!)}; at most ${slot.max}`, s, pos, slot.id, '4');
      }
      return;
    }
    this.put(f.node, s, pos, slot);
    const loopId = f.def!.id;
    if (slot.usage === 'not-used') {
      this.segmentFinding('SEGMENT_NOT_USED', `${s.id} is not used in ${where(f.def!)} of the ${this.g.label}`, s, pos, loopId, 'I4');
      return;
    }
    if (how === QUALIFIER) {
      if (slot.group >= f.cursor) f.cursor = slot.group;
      this.qualifierFinding(slot, null, f, s, pos);
      return;
    }
    const count = ++f.counts[slot.index]!;
    if (how === FORWARD) f.cursor = slot.group;
    else this.outOfOrder(slot, f, s, pos, loopId);
    if (count > slot.max) {
      this.segmentFinding('SEGMENT_MAX_USE', `${slot.name} (${slot.label}) occurs ${count} times in ${where(f.def!)}; at most ${slot.max}`, s, pos, loopId, '5');
    }
  }

  private unexpected(s: Segment, pos: number): void {
    const f = this.nameFrame.open ? this.nameFrame : this.hlFrame.open ? this.hlFrame : this.rootFrame;
    this.put(f.node, s, pos, null);
    const def = f.def;
    const place = def === null || def.id === '' ? (this.hls.length === 0 ? 'before the first HL' : 'here') : `in ${where(def)}`;
    this.segmentFinding('SEGMENT_UNEXPECTED', `${s.id} is not expected ${place} (${this.g.label})`, s, pos, def?.id ?? '', '2');
  }

  private outOfOrder(row: SegmentRow, f: Frame, s: Segment, pos: number, loopId: string): void {
    // Name what the loop has reached: its last segment or name loop at the current standard position.
    let reached = '';
    const segs = f.node.segments;
    for (let i = segs.length - 1; i >= 0 && reached === ''; i--) if (segs[i]!.row?.group === f.cursor && segs[i]!.position !== pos) reached = segs[i]!.row!.name;
    const kids = f.node.children;
    for (let i = kids.length - 1; i >= 0 && reached === ''; i--) if (kids[i]!.def?.level === null && kids[i]!.def?.group === f.cursor) reached = `loop ${kids[i]!.id}`;
    const after = reached === '' ? '' : ` after ${reached}`;
    this.segmentFinding('SEGMENT_OUT_OF_ORDER', `${row.name} (${row.label}) comes${after} in ${where(f.def!)}; it belongs earlier`, s, pos, loopId, '7');
  }

  private qualifierFinding(row: SegmentRow, loop: LoopDef | null, f: Frame, s: Segment, pos: number): void {
    const key = row.key!;
    const value = this.qualifier(key);
    const options = (f.def!.candidates[this.g.segmentNumbers.get(s.id)!] ?? []).flatMap((x) => (x.kind === 'segment' ? (x.key?.values ?? []) : (x.trigger.key?.values ?? [])));
    const el = `${s.id}${String(key.element).padStart(2, '0')}${key.component > 0 ? `-${key.component}` : ''}`;
    this.findings.push({
      severity: 'error',
      code: 'SEGMENT_QUALIFIER',
      message: `${el} ${JSON.stringify(value)} fits no use of ${s.id} in ${where(f.def!)} (${options.join(', ')}); read as ${loop === null ? row.name : `loop ${loop.id}`}`,
      segment: s.id,
      offset: s.offset,
      ordinal: s.ordinal,
      position: pos,
      ...(f.def!.id !== '' || loop !== null ? { loop: loop?.id ?? f.def!.id } : {}),
      ack: {
        level: 'element',
        code: value === '' ? '1' : '7',
        element: key.element,
        ...(key.component > 0 ? { component: key.component } : {}),
        elementRef: key.elementRef,
        value,
      },
    });
  }

  private segmentFinding(code: string, message: string, s: Segment, pos: number, loop: string, ack: string): void {
    this.findings.push({ severity: 'error', code, message, segment: s.id, offset: s.offset, ordinal: s.ordinal, position: pos, ...(loop !== '' ? { loop } : {}), ack: { level: 'segment', code: ack } });
  }

  // -------------------------------------------------------------------------------------------
  // Loops opening and closing

  private closeName(pos: number): void {
    const f = this.nameFrame;
    if (!f.open) return;
    f.open = false;
    this.checkRequired(f, pos);
  }

  private closeHl(pos: number): void {
    const f = this.hlFrame;
    if (!f.open) return;
    f.open = false;
    if (f.def !== null) this.checkRequired(f, pos);
  }

  /** Required rows and name loops a closing loop instance lacks. */
  private checkRequired(f: Frame, closedAt: number): void {
    const def = f.def!;
    const slots = def.slots;
    const required = def.required;
    for (let j = 0; j < required.length; j++) {
      const i = required[j]!;
      if (f.counts[i] !== 0) continue;
      const slot = slots[i]!;
      const pos = this.expectedAt(f, slot.group, closedAt);
      const at = this.tx.segments[pos - 1];
      if (slot.kind === 'loop') {
        this.missing('LOOP_REQUIRED_MISSING', `${where(def)} lacks its required loop ${slot.id} (${slot.label})`, slot.trigger.segment, slot.id, pos, at);
      } else {
        this.missing('SEGMENT_REQUIRED_MISSING', `${where(def)} lacks its required ${slot.name} (${slot.label})`, slot.segment, def.id, pos, at);
      }
    }
  }

  /** Position where a row of standard position `group` was expected: the first later segment of the loop. */
  private expectedAt(f: Frame, group: number, closedAt: number): number {
    let best = closedAt;
    for (const n of f.node.segments) if (n.row !== null && n.row.group > group && n.position < best) best = n.position;
    for (const c of f.node.children) {
      const first = c.segments[0];
      if (c.def !== null && c.def.level === null && c.def.group > group && first !== undefined && first.position < best) best = first.position;
    }
    return best;
  }

  private missing(code: string, message: string, segment: string, loop: string, pos: number, at: Segment | undefined): void {
    this.findings.push({
      severity: 'error',
      code,
      message,
      segment,
      ...(at !== undefined ? { offset: at.offset, ordinal: at.ordinal } : {}),
      position: pos,
      ...(loop !== '' ? { loop } : {}),
      ack: { level: 'segment', code: '3' },
    });
  }

  private openHl(s: Segment, pos: number): void {
    const g = this.g;
    const index = this.hls.length;
    const hlId = s.element(1);
    const parentId = s.element(2);
    const level = s.element(3);
    const def = g.levelByCode.get(level) ?? null;
    const first = index === 0;
    if (first) this.firstHlPosition = pos;
    // HL01 counts up from 1 (no leading zeros): then the HL is found by its index, with no map.
    const counting = s.elementNumber(1) === index + 1 && hlId.charCodeAt(0) !== 0x30;
    if (!counting) {
      this.hlError(s, pos, def, 1, '628', `HL01 ${JSON.stringify(hlId)} should be ${index + 1} (HL ids count up from 1)`, hlId);
    }
    let parent: HlRecord | null = null;
    if (def === null) {
      this.hlError(s, pos, def, 3, '735', `HL03 ${JSON.stringify(level)} is not a level of the ${g.transactionSet}`, level);
      parent = first ? null : this.findHl(parentId);
    } else if (first) {
      if (def.parents.length !== 0) this.hlError(s, pos, def, 3, '735', `the first HL must be level ${rootLevels(g)}, found ${level}`, level);
      if (parentId !== '') this.hlError(s, pos, def, 2, '734', 'the first HL has no parent', parentId);
    } else {
      parent = this.findHl(parentId);
      if (parent === null) this.hlError(s, pos, def, 2, '734', `HL02 ${JSON.stringify(parentId)} names no earlier HL`, parentId);
      else if (!def.parents.includes(parent.level)) {
        this.hlError(s, pos, def, 3, '735', `level ${level} (${def.id}) cannot hang under level ${parent.level}; allowed: ${def.parents.join(', ') || 'none'}`, level);
      }
    }

    const under = parent !== null ? parent.node : this.root;
    const node = new LoopNode(def !== null ? def.id : `HL${level}`, def, under);
    under.children.push(node);
    const rec: HlRecord = { index, id: hlId, level, hasChildren: s.element(4), def, node, segment: s, position: pos, parent, children: 0, knownChildren: 0, ownRejection: false, rejected: false };
    if (!counting) {
      this.hlById ??= new Map();
      if (!this.hlById.has(hlId)) this.hlById.set(hlId, rec);
    }
    this.hls.push(rec);
    this.currentHl = rec;

    if (def !== null) {
      let count = 0;
      const L = g.levels.length;
      if (parent !== null) count = ++this.levelCounts[(parent.index + 1) * L + def.index]!;
      else if (def.parents.length === 0) count = ++this.levelCounts[def.index]!;
      if (count > def.max) {
        this.segmentFinding('LOOP_MAX_USE', `level ${def.id} (${def.label}) occurs ${count} times under ${parent !== null ? `HL ${parent.id}` : 'the transaction'}; at most ${def.max}`, s, pos, def.id, '4');
      }
    }
    if (parent !== null) {
      parent.children++;
      if (def !== null) parent.knownChildren++;
    }

    const f = this.hlFrame;
    f.def = def;
    f.node = node;
    f.cursor = 0;
    f.open = true;
    if (def !== null) {
      f.counts.fill(0, 0, def.slots.length);
      f.counts[0] = 1;
    }
    this.put(node, s, pos, def !== null ? def.trigger : null);
  }

  /** The earlier HL with HL01 `id`: by position when ids count up, else by the map of odd ids. */
  private findHl(id: string): HlRecord | null {
    const k = id.length > 0 && id.length < 10 ? Number(id) : NaN;
    if (Number.isInteger(k) && k >= 1) {
      const r = this.hls[k - 1];
      if (r !== undefined && r.id === id) return r;
    }
    return this.hlById?.get(id) ?? null;
  }

  private hlError(s: Segment, pos: number, def: LoopDef | null, element: number, elementRef: string, message: string, value: string): void {
    this.findings.push({
      severity: 'error',
      code: 'HL_STRUCTURE',
      message,
      segment: 'HL',
      offset: s.offset,
      ordinal: s.ordinal,
      position: pos,
      ...(def !== null ? { loop: def.id } : {}),
      ack: { level: 'element', code: '7', element, elementRef, value },
    });
  }

  // -------------------------------------------------------------------------------------------
  // Whole-transaction checks

  private finish(n: number): void {
    const g = this.g;
    const segs = this.tx.segments;
    // Header rows (BHT) missing.
    const header = g.header;
    for (let i = 1; i < header.slots.length; i++) {
      const row = header.slots[i] as SegmentRow;
      if (this.rootFrame.counts[i] !== 0 || row.usage !== 'required') continue;
      const pos = this.firstHlPosition || n;
      this.missing('SEGMENT_REQUIRED_MISSING', `the transaction lacks its required ${row.name} (${row.label})`, row.segment, '', pos, segs[pos - 1]);
    }
    if (this.hls.length === 0) {
      const root = g.levels.find((l) => l.parents.length === 0 && l.usage === 'required');
      if (root !== undefined && n > 0) {
        const last = segs[n - 1]!;
        this.findings.push({
          severity: 'error',
          code: 'HL_LEVEL_MISSING',
          message: `no HL levels: a ${g.transactionSet} needs the ${root.id} level`,
          segment: 'HL',
          offset: last.offset,
          ordinal: last.ordinal,
          position: n,
          loop: root.id,
          ack: { level: 'segment', code: '3' },
        });
      }
      return;
    }
    for (const hl of this.hls) {
      const r = (hl.rejected = hl.ownRejection || (hl.parent !== null && hl.parent.rejected));
      const says = hl.hasChildren;
      if ((says === '1' && hl.children === 0) || (says === '0' && hl.children > 0)) {
        this.findings.push({
          severity: 'warning',
          code: 'HL04_CHILDREN',
          message: `HL ${hl.id}: HL04 says ${says === '1' ? 'it has' : 'it has no'} children, it has ${hl.children}`,
          segment: 'HL',
          offset: hl.segment.offset,
          ordinal: hl.segment.ordinal,
          position: hl.position,
        });
      }
      const def = hl.def;
      if (def !== null && def.needsChild && hl.knownChildren === 0 && !(g.rejection !== null && r)) {
        const below = g.childLevels[def.index] ?? [];
        const want = below.find((c) => !c.needsChild) ?? below[0];
        this.findings.push({
          severity: 'error',
          code: 'HL_LEVEL_MISSING',
          message: `HL ${hl.id} (level ${hl.level}, ${def.id}) ends its branch without a ${below.map((c) => c.id).join(' or ') || 'lower'} level below it`,
          segment: 'HL',
          offset: hl.segment.offset,
          ordinal: hl.segment.ordinal,
          position: hl.position,
          ...(want !== undefined ? { loop: want.id } : {}),
          ack: { level: 'segment', code: '3' },
        });
      }
    }
  }
}

function where(def: LoopDef): string {
  return def.id === '' ? 'the header' : `${def.id} (${def.label})`;
}

function rootLevels(g: Grammar): string {
  return g.levels
    .filter((l) => l.parents.length === 0)
    .map((l) => l.level)
    .join(' or ');
}
