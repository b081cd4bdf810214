/**
 * Validates and compiles the grammar tables (mappings/grammar/*.json) into the frozen structures
 * the tree builder walks. Every error names the file, the path of the row and the field, e.g.
 * `mappings/grammar/278-x217-request.json: levels[4].body[3].key.values: must be a non-empty array`.
 */
import { getSegmentDef } from '../x12/dictionary.js';
import { compileElementRules } from './usage.js';
import { UNBOUNDED, type Grammar, type KeyDef, type LoopDef, type SegmentRow, type Slot, type Usage } from './types.js';

export class GrammarError extends Error {
  override readonly name = 'GrammarError';
}

// ---------------------------------------------------------------------------------------------
// The standard (278-standard.json)

interface StdSegment {
  readonly segment: string;
  readonly max: number;
  readonly label: string;
}

interface StdLoop {
  readonly id: string;
  readonly label: string;
  readonly max: number;
  /** Body items in standard order: a segment, or the id of a nested standard loop. */
  readonly body: ReadonlyArray<StdSegment | { readonly loop: string }>;
  /** Segment id or nested loop id -> position in body. */
  readonly position: ReadonlyMap<string, number>;
}

export interface Standard {
  readonly file: string;
  readonly transactionSet: string;
  readonly header: StdLoop;
  readonly trailer: StdLoop;
  readonly loops: ReadonlyMap<string, StdLoop>;
}

type Raw = Record<string, unknown>;

class Reader {
  constructor(readonly file: string) {}

  fail(path: string, why: string): never {
    throw new GrammarError(`${this.file}: ${path || '(top)'}: ${why}`);
  }

  obj(v: unknown, path: string): Raw {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'must be an object');
    return v as Raw;
  }

  keys(o: Raw, allowed: readonly string[], path: string): void {
    for (const k of Object.keys(o)) {
      if (k === '$comment') {
        const c = o[k];
        if (typeof c !== 'string' && !(Array.isArray(c) && c.every((x) => typeof x === 'string'))) this.fail(join(path, k), 'must be a string or an array of strings');
        continue;
      }
      if (!allowed.includes(k)) this.fail(join(path, k), `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  str(v: unknown, path: string): string {
    if (typeof v !== 'string' || v === '') this.fail(path, 'must be a non-empty string');
    return v;
  }

  arr(v: unknown, path: string, nonEmpty = true): unknown[] {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) this.fail(path, nonEmpty ? 'must be a non-empty array' : 'must be an array');
    return v;
  }

  strs(v: unknown, path: string, nonEmpty = true): string[] {
    const a = this.arr(v, path, nonEmpty).map((x, i) => this.str(x, `${path}[${i}]`));
    const seen = new Set<string>();
    a.forEach((x, i) => {
      if (seen.has(x)) this.fail(`${path}[${i}]`, `duplicate value ${JSON.stringify(x)}`);
      seen.add(x);
    });
    return a;
  }

  int(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `must be an integer from ${min} to ${max}`);
    return v;
  }

  max(v: unknown, path: string): number {
    if (v === '>1') return UNBOUNDED;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) this.fail(path, 'must be a positive integer or ">1" (no limit)');
    return v;
  }

  segmentId(v: unknown, path: string): string {
    const s = this.str(v, path);
    if (!/^[A-Z][A-Z0-9]{1,2}$/.test(s)) this.fail(path, `${JSON.stringify(s)} is not a segment id`);
    return s;
  }

  usage(v: unknown, path: string): Usage {
    if (v !== 'required' && v !== 'situational' && v !== 'not-used') this.fail(path, 'must be "required", "situational" or "not-used"');
    return v;
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Validates and compiles a standard file. */
export function compileStandard(raw: unknown, file: string): Standard {
  const r: Reader = new Reader(file);
  const o = r.obj(raw, '');
  r.keys(o, ['transactionSet', 'label', 'header', 'loops', 'trailer'], '');
  const transactionSet = r.str(o.transactionSet, 'transactionSet');
  r.str(o.label, 'label');
  const segList = (v: unknown, path: string): StdSegment[] =>
    r.arr(v, path).map((x, i) => {
      const p = `${path}[${i}]`;
      const s = r.obj(x, p);
      r.keys(s, ['segment', 'max', 'label'], p);
      return { segment: r.segmentId(s.segment, join(p, 'segment')), max: r.max(s.max, join(p, 'max')), label: r.str(s.label, join(p, 'label')) };
    });
  const flat = (id: string, label: string, max: number, body: StdSegment[], path: string): StdLoop => {
    const position = new Map<string, number>();
    body.forEach((b, i) => {
      if (position.has(b.segment)) r.fail(`${path}[${i}].segment`, `segment ${b.segment} appears twice`);
      position.set(b.segment, i);
    });
    return { id, label, max, body, position };
  };
  const header = flat('', 'header', 1, segList(o.header, 'header'), 'header');
  const trailer = flat('', 'trailer', 1, segList(o.trailer, 'trailer'), 'trailer');
  const loopsRaw = r.obj(o.loops, 'loops');
  const loops = new Map<string, StdLoop>();
  for (const [id, v] of Object.entries(loopsRaw)) {
    const p = `loops.${id}`;
    const l = r.obj(v, p);
    r.keys(l, ['label', 'max', 'body'], p);
    const body: Array<StdSegment | { loop: string }> = [];
    const position = new Map<string, number>();
    r.arr(l.body, join(p, 'body')).forEach((x, i) => {
      const bp = `${p}.body[${i}]`;
      const b = r.obj(x, bp);
      let key: string;
      if ('loop' in b) {
        r.keys(b, ['loop'], bp);
        key = r.str(b.loop, join(bp, 'loop'));
        if (!(key in loopsRaw)) r.fail(join(bp, 'loop'), `no standard loop ${JSON.stringify(key)}`);
        body.push({ loop: key });
      } else {
        r.keys(b, ['segment', 'max', 'label'], bp);
        key = r.segmentId(b.segment, join(bp, 'segment'));
        body.push({ segment: key, max: r.max(b.max, join(bp, 'max')), label: r.str(b.label, join(bp, 'label')) });
      }
      if (position.has(key)) r.fail(bp, `${key} appears twice`);
      position.set(key, i);
    });
    loops.set(id, { id, label: r.str(l.label, join(p, 'label')), max: r.max(l.max, join(p, 'max')), body, position });
  }
  return { file, transactionSet, header, trailer, loops };
}

// ---------------------------------------------------------------------------------------------
// Implementation grammars (278-x217-request.json ...)

interface Building {
  id: string;
  label: string;
  usage: Usage;
  max: number;
  group: number;
  index: number;
  level: string | null;
  parents: string[];
  needsChild: boolean;
  slots: Array<SegmentRow | Building>;
  path: string;
}

const ROW_KEYS = ['segment', 'usage', 'max', 'label', 'key', 'elements', 'pairs'];
const LOOP_KEYS = ['loop', 'standard', 'label', 'usage', 'max', 'body'];
const LEVEL_KEYS = [...LOOP_KEYS, 'level', 'parents', 'needsChild'];
const TOP_KEYS = ['id', 'label', 'standard', 'transactionSet', 'implementations', 'purpose', 'rejection', 'header', 'levels', 'trailer'];

/**
 * Validates and compiles one grammar (its `extends` already resolved by the loader) against its
 * standard. Throws GrammarError naming the file, the row path and the field.
 */
export function compileGrammar(raw: unknown, file: string, standard: Standard): Grammar {
  const r: Reader = new Reader(file);
  const o = r.obj(raw, '');
  r.keys(o, TOP_KEYS, '');
  const id = r.str(o.id, 'id');
  const label = r.str(o.label, 'label');
  r.str(o.standard, 'standard');
  const transactionSet = r.str(o.transactionSet, 'transactionSet');
  if (transactionSet !== standard.transactionSet) r.fail('transactionSet', `${transactionSet} does not match the standard's ${standard.transactionSet}`);
  const implementations = r.strs(o.implementations, 'implementations');
  const rejection = o.rejection === undefined || o.rejection === null ? null : r.segmentId(o.rejection, 'rejection');

  // Key elements must agree per segment id across the grammar, so the builder reads a qualifier once per segment.
  const keyOf = new Map<string, { element: number; component: number; path: string }>();
  const allLoops = new Map<string, string>();

  const key = (v: unknown, segment: string, path: string): KeyDef | null => {
    if (v === undefined) return null;
    const k = r.obj(v, path);
    r.keys(k, ['element', 'component', 'values'], path);
    const element = r.int(k.element, join(path, 'element'), 1, 99);
    const component = k.component === undefined ? 0 : r.int(k.component, join(path, 'component'), 1, 99);
    const values = r.strs(k.values, join(path, 'values'));
    const def = getSegmentDef(segment);
    if (def === undefined) r.fail(path, `segment ${segment} is not in the segment dictionary (mappings/x12/segments.json), so its qualifier cannot be checked`);
    const el = def.elements[element - 1];
    if (el === undefined) r.fail(join(path, 'element'), `${segment} has no element ${element}`);
    let elementRef: string;
    if (el.composite !== null) {
      if (component === 0) r.fail(join(path, 'component'), `${segment}${String(element).padStart(2, '0')} is a composite: name the component`);
      const c = el.composite.components[component - 1];
      if (c === undefined) r.fail(join(path, 'component'), `${el.composite.id} has no component ${component}`);
      elementRef = c.ref;
    } else {
      if (component !== 0) r.fail(join(path, 'component'), `${segment}${String(element).padStart(2, '0')} is not a composite`);
      elementRef = el.ref;
    }
    const seen = keyOf.get(segment);
    if (seen === undefined) keyOf.set(segment, { element, component, path });
    else if (seen.element !== element || seen.component !== component) {
      r.fail(path, `every key of ${segment} must name the same element (see ${seen.path})`);
    }
    return Object.freeze({ element, component, values: Object.freeze(values), elementRef });
  };

  const segmentRow = (x: Raw, path: string, std: StdLoop, loopId: string, index: number): SegmentRow => {
    r.keys(x, ROW_KEYS, path);
    const segment = r.segmentId(x.segment, join(path, 'segment'));
    const group = std.position.get(segment);
    if (group === undefined) r.fail(join(path, 'segment'), `${segment} is not a segment of standard loop ${std.id || std.label} (${standard.file})`);
    const stdRow = std.body[group] as StdSegment;
    const max = r.max(x.max, join(path, 'max'));
    if (max > stdRow.max) r.fail(join(path, 'max'), `${max === UNBOUNDED ? '>1' : max} exceeds the standard's maximum ${stdRow.max === UNBOUNDED ? '>1' : stdRow.max} for ${segment}`);
    const k = key(x.key, segment, join(path, 'key'));
    const usage = r.usage(x.usage, join(path, 'usage'));
    let elements = null;
    if (x.elements !== undefined) {
      const def = getSegmentDef(segment);
      if (def === undefined) r.fail(join(path, 'elements'), `segment ${segment} is not in the segment dictionary (mappings/x12/segments.json)`);
      if (usage === 'not-used') r.fail(join(path, 'elements'), 'a not-used row has no element usage');
      elements = compileElementRules(x.elements, x.pairs, def, k !== null && k.component === 0 ? k.element : 0, path, (p, why) => r.fail(p, why));
    } else if (x.pairs !== undefined) {
      r.fail(join(path, 'pairs'), 'pairs need the row\'s elements');
    }
    return Object.freeze({
      kind: 'segment' as const,
      segment,
      name: k !== null && k.values.length === 1 ? `${segment}*${k.values[0]}` : segment,
      label: r.str(x.label, join(path, 'label')),
      usage,
      max,
      key: k,
      elements,
      implied: false,
      group,
      index,
      loop: loopId,
    });
  };

  /** Adds the standard's segments the implementation loop does not list, as 'not used' rows. */
  const withImplied = (slots: Array<SegmentRow | Building>, std: StdLoop, loopId: string): Array<SegmentRow | Building> => {
    const listed = new Set<number>(slots.map((s) => s.group));
    const start = slots[0]!.group;
    const out: Array<SegmentRow | Building> = [];
    let i = 0;
    std.body.forEach((b, group) => {
      while (i < slots.length && slots[i]!.group <= group) out.push(slots[i++]!);
      // Nothing can come before a loop's first segment inside the loop: such rows belong to the parent.
      if ('segment' in b && !listed.has(group) && group > start) {
        out.push(Object.freeze({ kind: 'segment' as const, segment: b.segment, name: b.segment, label: b.label, usage: 'not-used' as const, max: b.max, key: null, elements: null, implied: true, group, index: 0, loop: loopId }));
      }
    });
    while (i < slots.length) out.push(slots[i++]!);
    return out.map((s, i) => reindex(s, i));
  };

  /** Checks that rows sharing a segment id (or name loops sharing a trigger) can be told apart. */
  const distinct = (slots: ReadonlyArray<SegmentRow | Building>, path: string): void => {
    const bySeg = new Map<string, Array<{ key: KeyDef | null; what: string }>>();
    for (const s of slots) {
      const row = 'kind' in s ? (s.implied ? null : s) : (s.slots[0] as SegmentRow);
      if (row === null) continue;
      const what = 'kind' in s ? `row ${s.name}` : `loop ${s.id}`;
      const list = bySeg.get(row.segment) ?? [];
      list.push({ key: row.key, what });
      bySeg.set(row.segment, list);
    }
    for (const [seg, list] of bySeg) {
      if (list.length < 2) continue;
      const seen = new Map<string, string>();
      for (const { key: k, what } of list) {
        if (k === null) r.fail(path, `${seg} has several uses here (${list.map((l) => l.what).join(', ')}): each needs a key`);
        for (const v of k.values) {
          const other = seen.get(v);
          if (other !== undefined) r.fail(path, `${seg} value ${JSON.stringify(v)} is claimed by both ${other} and ${what}`);
          seen.set(v, what);
        }
      }
    }
  };

  const loopBody = (b: Building, body: unknown, std: StdLoop, isLevel: boolean): void => {
    const bodyPath = join(b.path, 'body');
    const items = r.arr(body, bodyPath);
    let lastGroup = -1;
    let lastName = '';
    items.forEach((x, i) => {
      const p = `${bodyPath}[${i}]`;
      const it = r.obj(x, p);
      let slot: SegmentRow | Building;
      if ('loop' in it) {
        r.keys(it, LOOP_KEYS, p);
        const stdId = r.str(it.standard, join(p, 'standard'));
        const group = std.position.get(stdId);
        const nested = standard.loops.get(stdId);
        if (group === undefined || nested === undefined) r.fail(join(p, 'standard'), `standard loop ${stdId} does not nest in standard loop ${std.id} (${standard.file})`);
        const child = newLoop(it, p, group, i);
        loopBody(child, it.body, nested, false);
        slot = child;
      } else {
        slot = segmentRow(it, p, std, b.id, i);
      }
      if (slot.group < lastGroup) {
        r.fail(p, `${'kind' in slot ? slot.name : `loop ${slot.id}`} is out of standard order: the standard (${standard.file}) puts it before ${lastName}`);
      }
      lastGroup = slot.group;
      lastName = 'kind' in slot ? slot.name : `loop ${slot.id}`;
      b.slots.push(slot);
    });
    const first = b.slots[0]!;
    if (!('kind' in first)) r.fail(`${bodyPath}[0]`, 'a loop must start with a segment');
    if (first.usage !== 'required' || first.max !== 1) r.fail(`${bodyPath}[0]`, `the first segment of loop ${b.id} starts each instance: it must be required with max 1`);
    if (isLevel && first.segment !== 'HL') r.fail(`${bodyPath}[0].segment`, `an HL level must start with HL, not ${first.segment}`);
    if (b.slots.slice(1).some((s) => s.group === first.group)) r.fail(bodyPath, `nothing may share the standard position of the loop's first segment ${first.name}`);
    distinct(b.slots, bodyPath);
    b.slots = withImplied(b.slots, std, b.id);
  };

  const newLoop = (it: Raw, p: string, group: number, index: number): Building => {
    const loopId = r.str(it.loop, join(p, 'loop'));
    if (!/^[0-9A-Z]{2,8}$/.test(loopId)) r.fail(join(p, 'loop'), `${JSON.stringify(loopId)} is not a loop id`);
    const prev = allLoops.get(loopId);
    if (prev !== undefined) r.fail(join(p, 'loop'), `loop ${loopId} is already defined at ${prev}`);
    allLoops.set(loopId, p);
    const usage = r.usage(it.usage, join(p, 'usage'));
    if (usage === 'not-used') r.fail(join(p, 'usage'), 'a loop is required or situational (leave out a loop that is not used)');
    return { id: loopId, label: r.str(it.label, join(p, 'label')), usage, max: r.max(it.max, join(p, 'max')), group, index, level: null, parents: [], needsChild: false, slots: [], path: p };
  };

  // Header and trailer
  const flatRows = (v: unknown, path: string, std: StdLoop): SegmentRow[] => {
    const rows = r.arr(v, path).map((x, i) => segmentRow(r.obj(x, `${path}[${i}]`), `${path}[${i}]`, std, '', i));
    rows.forEach((row, i) => {
      if (i > 0 && row.group < rows[i - 1]!.group) r.fail(`${path}[${i}]`, `${row.name} is out of standard order`);
    });
    return rows;
  };
  const headerRows = flatRows(o.header, 'header', standard.header);
  if (headerRows[0]?.segment !== 'ST') r.fail('header[0].segment', 'the header must start with ST');
  const trailerRows = flatRows(o.trailer, 'trailer', standard.trailer);
  if (trailerRows.length !== 1 || trailerRows[0]!.segment !== 'SE') r.fail('trailer', 'the trailer is exactly one SE row');

  // Purpose (BHT02)
  const pp = r.obj(o.purpose, 'purpose');
  r.keys(pp, ['segment', 'element', 'values'], 'purpose');
  const purposeSeg = r.segmentId(pp.segment, 'purpose.segment');
  if (!headerRows.some((h) => h.segment === purposeSeg)) r.fail('purpose.segment', `${purposeSeg} is not a header segment`);
  const purposeElement = r.int(pp.element, 'purpose.element', 1, 99);
  const purposeDef = getSegmentDef(purposeSeg)?.elements[purposeElement - 1];
  if (purposeDef === undefined) r.fail('purpose.element', `${purposeSeg} has no element ${purposeElement} in the segment dictionary`);
  const purpose = Object.freeze({ segment: purposeSeg, element: purposeElement, values: Object.freeze(r.strs(pp.values, 'purpose.values')), elementRef: purposeDef.errorRef });

  // HL levels
  const levelsRaw = r.arr(o.levels, 'levels');
  const levels: Building[] = [];
  const levelCodes = new Map<string, string>();
  levelsRaw.forEach((x, i) => {
    const p = `levels[${i}]`;
    const it = r.obj(x, p);
    r.keys(it, LEVEL_KEYS, p);
    const stdId = r.str(it.standard, join(p, 'standard'));
    const std = standard.loops.get(stdId);
    if (std === undefined) r.fail(join(p, 'standard'), `no standard loop ${JSON.stringify(stdId)} in ${standard.file}`);
    const b = newLoop(it, p, 0, i);
    b.level = r.str(it.level, join(p, 'level'));
    const dup = levelCodes.get(b.level);
    if (dup !== undefined) r.fail(join(p, 'level'), `level ${b.level} is already used by ${dup}`);
    levelCodes.set(b.level, p);
    b.parents = r.strs(it.parents, join(p, 'parents'), false);
    b.needsChild = it.needsChild === undefined ? false : typeof it.needsChild === 'boolean' ? it.needsChild : r.fail(join(p, 'needsChild'), 'must be true or false');
    loopBody(b, it.body, std, true);
    levels.push(b);
  });
  levels.forEach((b, i) => {
    b.parents.forEach((pc, j) => {
      if (!levelCodes.has(pc)) r.fail(`levels[${i}].parents[${j}]`, `no level ${JSON.stringify(pc)} in this grammar`);
    });
  });
  if (!levels.some((b) => b.parents.length === 0)) r.fail('levels', 'no root level (a level with no parents)');

  // Segment numbers: every segment id any slot may hold.
  const segmentNumbers = new Map<string, number>();
  const number = (s: string): number => {
    let n = segmentNumbers.get(s);
    if (n === undefined) segmentNumbers.set(s, (n = segmentNumbers.size));
    return n;
  };
  const visit = (slots: ReadonlyArray<SegmentRow | Building>): void => {
    for (const s of slots) {
      if ('kind' in s) number(s.segment);
      else visit(s.slots);
    }
  };
  for (const h of headerRows) number(h.segment);
  for (const l of levels) visit(l.slots);

  const loopsById = new Map<string, LoopDef>();
  const freeze = (b: Building): LoopDef => {
    const slots: Slot[] = b.slots.map((s) => ('kind' in s ? s : freeze(s)));
    const candidates: Array<Slot[] | undefined> = new Array(segmentNumbers.size).fill(undefined);
    for (const s of slots) {
      const segId = s.kind === 'segment' ? s.segment : s.trigger.segment;
      const n = segmentNumbers.get(segId)!;
      (candidates[n] ??= []).push(s);
    }
    const def: LoopDef = Object.freeze({
      kind: 'loop' as const,
      id: b.id,
      label: b.label,
      usage: b.usage,
      max: b.max,
      group: b.group,
      index: b.index,
      level: b.level,
      parents: Object.freeze([...b.parents]),
      needsChild: b.needsChild,
      slots: Object.freeze(slots),
      trigger: slots[0] as SegmentRow,
      required: Object.freeze(slots.flatMap((x, i) => (i > 0 && x.usage === 'required' ? [i] : []))),
      candidates: Object.freeze(candidates.map((c) => (c === undefined ? undefined : Object.freeze(c)))),
    });
    if (b.id !== '') loopsById.set(b.id, def);
    return def;
  };
  const levelDefs = levels.map(freeze);
  const header = freeze({ id: '', label: 'header', usage: 'required', max: 1, group: 0, index: 0, level: null, parents: [], needsChild: false, slots: headerRows, path: 'header' });
  const levelByCode = new Map(levelDefs.map((l) => [l.level!, l] as const));
  const childLevels = levelDefs.map((l) => Object.freeze(levelDefs.filter((c) => c.parents.includes(l.level!))));

  const keyElement = new Int16Array(segmentNumbers.size);
  const keyComponent = new Int16Array(segmentNumbers.size);
  for (const [seg, k] of keyOf) {
    const n = segmentNumbers.get(seg);
    if (n === undefined) continue;
    keyElement[n] = k.element;
    keyComponent[n] = k.component;
  }

  return Object.freeze({
    id,
    label,
    file,
    transactionSet,
    implementations: Object.freeze(implementations),
    purpose,
    rejection,
    header,
    trailer: trailerRows[0]!,
    levels: Object.freeze(levelDefs),
    levelByCode,
    loops: loopsById,
    childLevels: Object.freeze(childLevels),
    segmentNumbers,
    keyElement,
    keyComponent,
    maxSlots: Math.max(header.slots.length, ...[...loopsById.values()].map((l) => l.slots.length)),
  });
}

function reindex(s: SegmentRow | Building, index: number): SegmentRow | Building {
  if ('kind' in s) return s.index === index ? s : Object.freeze({ ...s, index });
  s.index = index;
  return s;
}
