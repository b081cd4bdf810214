/**
 * X12 005010 segment dictionary: loads mappings/x12/segments.json once, validates it,
 * and compiles it into plain frozen objects that the syntax checker walks without
 * any per-element string lookups (one Map lookup per segment id).
 *
 * The JSON holds standard-level syntax facts only (refs, types, lengths, requirement
 * designators, repeat counts, syntax notes). Labels are our own short words.
 */
import { readFileSync } from 'node:fs';

/** X12 simple data element types we know. N0..N9 are implied-decimal numerics. */
export type DataType = 'AN' | 'ID' | 'DT' | 'TM' | 'R' | 'N0' | 'N1' | 'N2' | 'N3' | 'N4' | 'N5' | 'N6' | 'N7' | 'N8' | 'N9';

/** Requirement designator at standard level: mandatory, optional, conditional (relational). */
export type Requirement = 'M' | 'O' | 'X';

/** Numeric tags for fast type dispatch in the checker. */
export const TypeKind = {
  AN: 0,
  ID: 1,
  DT: 2,
  TM: 3,
  R: 4,
  N: 5,
} as const;
export type TypeKind = (typeof TypeKind)[keyof typeof TypeKind];

/** Numeric tags for syntax-note rules. */
export const RuleKind = {
  /** P: paired - if any is present, all are required. */
  P: 0,
  /** R: required - at least one is required. */
  R: 1,
  /** C: conditional - if the first is present, all others are required. */
  C: 2,
  /** E: exclusion - not more than one may be present. */
  E: 3,
  /** L: list conditional - if the first is present, at least one of the others is required. */
  L: 4,
} as const;
export type RuleKind = (typeof RuleKind)[keyof typeof RuleKind];

export interface SyntaxNote {
  /** The note as X12 writes it, e.g. "P0809". */
  readonly text: string;
  readonly rule: RuleKind;
  /** 0-based indexes of the element (or component) positions the note names, in note order. */
  readonly indexes: readonly number[];
  /** Bit i set for every named index i (positions are limited to 1..31 so this fits an int). */
  readonly mask: number;
  /** Bit of the first named position (the trigger of C and L notes). */
  readonly first: number;
  /** Bits of every named position but the first. */
  readonly rest: number;
}

/** Facts shared by simple elements and components. */
interface ValueDef {
  /** Data element reference number, e.g. "98" or "I05". */
  readonly ref: string;
  readonly type: DataType;
  readonly kind: TypeKind;
  /** Decimal places for N types (N2 -> 2); 0 otherwise. */
  readonly decimals: number;
  readonly min: number;
  readonly max: number;
}

export interface ComponentDef extends ValueDef {
  /** 1-based position inside the composite. */
  readonly position: number;
  readonly req: Requirement;
  readonly mandatory: boolean;
}

export interface CompositeDef {
  readonly id: string;
  readonly label: string;
  readonly components: readonly ComponentDef[];
  readonly syntax: readonly SyntaxNote[];
}

export interface ElementDef {
  /** 1-based position in the segment. */
  readonly position: number;
  readonly req: Requirement;
  readonly mandatory: boolean;
  /** Maximum number of repetitions (1 = not repeatable). */
  readonly repeat: number;
  /** Simple element ref, or the composite id for a composite. */
  readonly ref: string;
  /** Ref to report for errors about the element as a whole: its own ref, or a composite's first component ref. */
  readonly errorRef: string;
  /** Null for composites. */
  readonly type: DataType | null;
  readonly kind: TypeKind;
  readonly decimals: number;
  /** 0 for composites. */
  readonly min: number;
  /** 0 for composites. */
  readonly max: number;
  readonly composite: CompositeDef | null;
}

export interface SegmentDef {
  readonly id: string;
  readonly label: string;
  /** True for fixed-format segments (ISA) whose elements must not be split on separators. */
  readonly raw: boolean;
  readonly elements: readonly ElementDef[];
  readonly syntax: readonly SyntaxNote[];
}

export type Dictionary = ReadonlyMap<string, SegmentDef>;

const SOURCE = 'segments.json';
const TYPES: Record<string, { kind: TypeKind; decimals: number }> = {
  AN: { kind: TypeKind.AN, decimals: 0 },
  ID: { kind: TypeKind.ID, decimals: 0 },
  DT: { kind: TypeKind.DT, decimals: 0 },
  TM: { kind: TypeKind.TM, decimals: 0 },
  R: { kind: TypeKind.R, decimals: 0 },
  N0: { kind: TypeKind.N, decimals: 0 },
  N1: { kind: TypeKind.N, decimals: 1 },
  N2: { kind: TypeKind.N, decimals: 2 },
  N3: { kind: TypeKind.N, decimals: 3 },
  N4: { kind: TypeKind.N, decimals: 4 },
  N5: { kind: TypeKind.N, decimals: 5 },
  N6: { kind: TypeKind.N, decimals: 6 },
  N7: { kind: TypeKind.N, decimals: 7 },
  N8: { kind: TypeKind.N, decimals: 8 },
  N9: { kind: TypeKind.N, decimals: 9 },
};
const RULES: Record<string, RuleKind> = { P: RuleKind.P, R: RuleKind.R, C: RuleKind.C, E: RuleKind.E, L: RuleKind.L };

const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;
const COMPOSITE_ID = /^C\d{3}$/;
const ELEMENT_REF = /^(?:[1-9]\d{0,3}|I\d{2})$/;
const NOTE = /^[PRCEL](?:\d\d){2,}$/;
const MAX_LENGTH = 1_000_000;
const MAX_REPEAT = 99_999;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function fail(where: string, field: string, problem: string, value: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
  throw new Error(`${SOURCE}: ${where}: field "${field}" ${problem} (got ${shown})`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail(where, k, 'is not a known field', obj[k]);
  }
}

function readLabel(obj: Record<string, unknown>, where: string): string {
  const label = obj['label'];
  if (label === undefined) return '';
  if (typeof label !== 'string' || label.length > 40 || label.trim().split(/\s+/).length > 3) {
    fail(where, 'label', 'must be our own label of at most 3 words', label);
  }
  return label;
}

function readInt(obj: Record<string, unknown>, field: string, where: string, lo: number, hi: number): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    fail(where, field, `must be an integer from ${lo} to ${hi}`, v);
  }
  return v;
}

function readReq(obj: Record<string, unknown>, where: string): Requirement {
  const v = obj['req'];
  if (v !== 'M' && v !== 'O' && v !== 'X') fail(where, 'req', 'must be "M", "O" or "X"', v);
  return v;
}

interface ValueFacts {
  ref: string;
  type: DataType;
  kind: TypeKind;
  decimals: number;
  min: number;
  max: number;
}

/** Validates ref/type/min/max and keeps every use of a ref consistent across the file. */
function readValue(obj: Record<string, unknown>, where: string, seen: Map<string, { facts: ValueFacts; where: string }>): ValueFacts {
  const ref = obj['ref'];
  if (typeof ref !== 'string' || !ELEMENT_REF.test(ref)) fail(where, 'ref', 'must be a data element reference number like "98" or "I05"', ref);
  const type = obj['type'];
  const t = typeof type === 'string' ? TYPES[type] : undefined;
  if (t === undefined) fail(where, 'type', 'must be one of AN, ID, DT, TM, R, N0..N9', type);
  const min = readInt(obj, 'min', where, 1, MAX_LENGTH);
  const max = readInt(obj, 'max', where, 1, MAX_LENGTH);
  if (max < min) fail(where, 'max', `must be >= min (${min})`, max);
  if (t.kind === TypeKind.DT && !((min === 6 || min === 8) && max === min)) {
    fail(where, 'max', 'must equal min and be 6 (YYMMDD) or 8 (CCYYMMDD) for a DT element', max);
  }
  if (t.kind === TypeKind.TM && (min < 4 || max > 8)) fail(where, min < 4 ? 'min' : 'max', 'must stay within 4..8 for a TM element', min < 4 ? min : max);
  const facts: ValueFacts = { ref, type: type as DataType, kind: t.kind, decimals: t.decimals, min, max };
  const prior = seen.get(ref);
  if (prior === undefined) {
    seen.set(ref, { facts, where });
  } else {
    const p = prior.facts;
    if (p.type !== facts.type) fail(where, 'type', `disagrees with element ${ref} at ${prior.where} (${p.type})`, facts.type);
    if (p.min !== facts.min) fail(where, 'min', `disagrees with element ${ref} at ${prior.where} (${p.min})`, facts.min);
    if (p.max !== facts.max) fail(where, 'max', `disagrees with element ${ref} at ${prior.where} (${p.max})`, facts.max);
  }
  return facts;
}

function readNotes(obj: Record<string, unknown>, where: string, count: number): SyntaxNote[] {
  const raw = obj['syntax'];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail(where, 'syntax', 'must be an array of notes like "P0809"', raw);
  const notes: SyntaxNote[] = [];
  raw.forEach((text: unknown, i: number) => {
    const at = `${where} syntax note ${i + 1}`;
    if (typeof text !== 'string' || !NOTE.test(text)) fail(at, 'syntax', 'must be a note like "P0809" (rule letter P/R/C/E/L, then 2-digit positions)', text);
    const indexes: number[] = [];
    for (let k = 1; k < text.length; k += 2) {
      const pos = Number(text.slice(k, k + 2));
      if (pos < 1 || pos > count) fail(at, 'syntax', `names position ${pad2(pos)} but there are only ${count}`, text);
      if (pos > 31) fail(at, 'syntax', `names position ${pad2(pos)}; positions above 31 are not supported`, text);
      if (indexes.includes(pos - 1)) fail(at, 'syntax', `names position ${pad2(pos)} twice`, text);
      indexes.push(pos - 1);
    }
    const rule = RULES[text.charAt(0)];
    if (rule === undefined) fail(at, 'syntax', 'has an unknown rule letter', text);
    let mask = 0;
    for (const idx of indexes) mask |= 1 << idx;
    const first = 1 << (indexes[0] as number);
    notes.push(Object.freeze({ text, rule, indexes: Object.freeze(indexes), mask, first, rest: mask & ~first }));
  });
  return notes;
}

/** Requirement designators must agree with the notes: members of notes are X (or the O trigger of C/L). */
function checkNoteRequirements(notes: readonly SyntaxNote[], reqs: readonly Requirement[], where: string, unit: string): void {
  for (const note of notes) {
    note.indexes.forEach((idx, i) => {
      if (reqs[idx] === 'M') fail(`${where} ${unit} ${pad2(idx + 1)}`, 'req', `is "M" but the element is named in syntax note ${note.text}`, 'M');
      const isTrigger = i === 0 && (note.rule === RuleKind.C || note.rule === RuleKind.L);
      if (!isTrigger && reqs[idx] !== 'X') fail(`${where} ${unit} ${pad2(idx + 1)}`, 'req', `must be "X" because of syntax note ${note.text}`, reqs[idx]);
    });
  }
}

function compileComposite(id: string, raw: unknown, seen: Map<string, { facts: ValueFacts; where: string }>): CompositeDef {
  const where = `composite ${id}`;
  if (!COMPOSITE_ID.test(id)) fail(where, 'id', 'must look like "C040"', id);
  if (!isRecord(raw)) fail(where, 'definition', 'must be an object', raw);
  checkKeys(raw, ['label', 'components', 'syntax'], where);
  const label = readLabel(raw, where);
  const list = raw['components'];
  if (!Array.isArray(list) || list.length === 0) fail(where, 'components', 'must be a non-empty array', list);
  if (list.length > 31) fail(where, 'components', 'must have at most 31 entries', list.length);
  const components: ComponentDef[] = list.map((c: unknown, i: number) => {
    const at = `${where} component ${pad2(i + 1)}`;
    if (!isRecord(c)) fail(at, 'definition', 'must be an object', c);
    checkKeys(c, ['ref', 'type', 'min', 'max', 'req'], at);
    const facts = readValue(c, at, seen);
    const req = readReq(c, at);
    return Object.freeze({ ...facts, position: i + 1, req, mandatory: req === 'M' });
  });
  const syntax = readNotes(raw, where, components.length);
  checkNoteRequirements(syntax, components.map((c) => c.req), where, 'component');
  return Object.freeze({ id, label, components: Object.freeze(components), syntax: Object.freeze(syntax) });
}

/**
 * Validates a parsed segments.json and compiles it. Throws an Error naming the segment
 * (or composite), the element position and the field that is wrong.
 */
export function compileDictionary(raw: unknown): Dictionary {
  if (!isRecord(raw)) fail('top level', 'document', 'must be an object', raw);
  checkKeys(raw, ['$comment', 'version', 'composites', 'segments'], 'top level');
  if (raw['version'] !== undefined && raw['version'] !== '005010') fail('top level', 'version', 'must be "005010"', raw['version']);
  const seen = new Map<string, { facts: ValueFacts; where: string }>();

  const composites = new Map<string, CompositeDef>();
  const rawComposites = raw['composites'] ?? {};
  if (!isRecord(rawComposites)) fail('top level', 'composites', 'must be an object keyed by composite id', rawComposites);
  for (const [id, def] of Object.entries(rawComposites)) composites.set(id, compileComposite(id, def, seen));

  const rawSegments = raw['segments'];
  if (!isRecord(rawSegments) || Object.keys(rawSegments).length === 0) fail('top level', 'segments', 'must be a non-empty object keyed by segment id', rawSegments);
  const out = new Map<string, SegmentDef>();
  for (const [id, def] of Object.entries(rawSegments)) {
    const where = `segment ${id}`;
    if (!SEGMENT_ID.test(id)) fail(where, 'id', 'must be 2-3 upper-case letters/digits', id);
    if (!isRecord(def)) fail(where, 'definition', 'must be an object', def);
    checkKeys(def, ['label', 'raw', 'elements', 'syntax'], where);
    const label = readLabel(def, where);
    const rawFlag = def['raw'];
    if (rawFlag !== undefined && typeof rawFlag !== 'boolean') fail(where, 'raw', 'must be a boolean', rawFlag);
    const list = def['elements'];
    if (!Array.isArray(list) || list.length === 0) fail(where, 'elements', 'must be a non-empty array', list);
    if (list.length > 99) fail(where, 'elements', 'must have at most 99 entries', list.length);
    const elements: ElementDef[] = list.map((e: unknown, i: number) => {
      const at = `${where} element ${pad2(i + 1)}`;
      if (!isRecord(e)) fail(at, 'definition', 'must be an object', e);
      const repeat = e['repeat'] === undefined ? 1 : readInt(e, 'repeat', at, 1, MAX_REPEAT);
      if (e['composite'] !== undefined) {
        checkKeys(e, ['composite', 'req', 'repeat'], at);
        const cid = e['composite'];
        const composite = typeof cid === 'string' ? composites.get(cid) : undefined;
        if (composite === undefined) fail(at, 'composite', 'must name a composite defined under "composites"', cid);
        if (rawFlag === true) fail(at, 'composite', 'is not allowed in a raw (fixed-format) segment', cid);
        const req = readReq(e, at);
        const first = composite.components[0];
        if (first === undefined) fail(at, 'composite', 'has no components', cid);
        return Object.freeze({
          position: i + 1,
          req,
          mandatory: req === 'M',
          repeat,
          ref: composite.id,
          errorRef: first.ref,
          type: null,
          kind: TypeKind.AN,
          decimals: 0,
          min: 0,
          max: 0,
          composite,
        });
      }
      checkKeys(e, ['ref', 'type', 'min', 'max', 'req', 'repeat'], at);
      const facts = readValue(e, at, seen);
      const req = readReq(e, at);
      return Object.freeze({ ...facts, position: i + 1, req, mandatory: req === 'M', repeat, errorRef: facts.ref, composite: null });
    });
    const syntax = readNotes(def, where, elements.length);
    checkNoteRequirements(syntax, elements.map((e) => e.req), where, 'element');
    out.set(id, Object.freeze({ id, label, raw: rawFlag === true, elements: Object.freeze(elements), syntax: Object.freeze(syntax) }));
  }
  return out;
}

let loaded: Dictionary | undefined;
let loadedIds: readonly string[] | undefined;

/** The shipped dictionary, read and compiled on first use. */
export function dictionary(): Dictionary {
  if (loaded === undefined) {
    const text = readFileSync(new URL('../../mappings/x12/segments.json', import.meta.url), 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${SOURCE}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    loaded = compileDictionary(parsed);
  }
  return loaded;
}

export function getSegmentDef(id: string): SegmentDef | undefined {
  return dictionary().get(id);
}

export function segmentIds(): readonly string[] {
  if (loadedIds === undefined) loadedIds = Object.freeze([...dictionary().keys()]);
  return loadedIds;
}
