/**
 * Element usage per segment use: which elements of a row the guide requires, which it does not
 * use, and the code values it allows there. Compiled once from the grammar files (a row's
 * `elements` and `pairs` fields) into arrays indexed by element position; checked on every
 * segment of a loop tree with no per-element string-keyed lookups.
 *
 * A row's `elements` lists its elements in position order, each one of:
 *   "R" | "S" | "N"                  required, situational, not used
 *   "R 24 46 PI"                     the usage, then the code values allowed at this use
 *   { "use": "S", "components": ["R ABK ABF", "R", "N"] }   a composite and its components
 * Positions after the list are not used. `pairs` lists elements (or components, `04-1`) that go
 * together: when one is present, every other one must be too.
 */
import type { ElementDef, SegmentDef } from '../x12/dictionary.js';
import type { Finding } from '../x12/finding.js';
import type { ComponentRules, ElementRules, Grammar, LoopTree, PairRule, SegmentNode } from './types.js';
import { TypeKind } from '../x12/dictionary.js';

export const SITUATIONAL = 0;
export const REQUIRED = 1;
export const NOT_USED = 2;

type Fail = (path: string, why: string) => never;

const USES: Record<string, number> = { R: REQUIRED, S: SITUATIONAL, N: NOT_USED };

interface Place {
  use: number;
  codes: string[] | null;
}

function parsePlace(v: unknown, path: string, fail: Fail): Place {
  if (typeof v !== 'string' || v.trim() === '') fail(path, 'must be "R", "S" or "N", optionally followed by code values ("R 24 46")');
  const parts = v.trim().split(/\s+/);
  const use = USES[parts[0]!];
  if (use === undefined) fail(path, `usage ${JSON.stringify(parts[0])} must be R, S or N`);
  const codes = parts.slice(1);
  if (codes.length > 0 && use === NOT_USED) fail(path, 'a not-used element has no code values');
  const seen = new Set<string>();
  for (const c of codes) {
    if (seen.has(c)) fail(path, `duplicate code value ${JSON.stringify(c)}`);
    seen.add(c);
  }
  return { use, codes: codes.length > 0 ? codes : null };
}

/** A code value must fit the element's syntax (type and length), or it could never be read. */
function checkCodes(codes: readonly string[], def: { type: string | null; kind: number; min: number; max: number }, path: string, fail: Fail): void {
  if (def.kind !== TypeKind.ID && def.kind !== TypeKind.AN) fail(path, `code values on a ${def.type} element`);
  for (const c of codes) {
    if (c.length < def.min || c.length > def.max) fail(path, `code value ${JSON.stringify(c)} does not fit the element's length ${def.min}-${def.max}`);
    if (!/^[A-Z0-9]+$/.test(c)) fail(path, `code value ${JSON.stringify(c)} must be upper-case letters and digits`);
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Validates and compiles a row's `elements` (and `pairs`) against the segment dictionary.
 * `keyElement` (0 = none): the row's qualifier, checked by the tree builder, so its codes are left out here.
 */
export function compileElementRules(rawElements: unknown, rawPairs: unknown, seg: SegmentDef, keyElement: number, path: string, fail: Fail): ElementRules {
  const p = `${path}.elements`;
  if (!Array.isArray(rawElements) || rawElements.length === 0) fail(p, 'must be a non-empty array');
  const n = seg.elements.length;
  if (rawElements.length > n) fail(p, `${seg.id} has ${n} elements; ${rawElements.length} listed`);
  const use = new Uint8Array(n + 1);
  const codes: Array<readonly string[] | null> = new Array<readonly string[] | null>(n + 1).fill(null);
  const lists: Array<readonly string[] | null> = new Array<readonly string[] | null>(n + 1).fill(null);
  const components: Array<ComponentRules | null> = new Array<ComponentRules | null>(n + 1).fill(null);
  const refs: string[] = [''];
  const required: number[] = [];
  for (let i = 1; i <= n; i++) {
    const def: ElementDef = seg.elements[i - 1]!;
    refs.push(def.errorRef);
    const at = `${p}[${i - 1}]`;
    const raw: unknown = i <= rawElements.length ? rawElements[i - 1] : 'N';
    const name = `${seg.id}${pad2(i)}`;
    let place: Place;
    // Repetitions are not split here: a repeatable element takes a usage letter only.
    if (def.repeat > 1 && !(typeof raw === 'string' && /^\s*[RSN]\s*$/.test(raw))) fail(at, `${name} repeats: give its usage only`);
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      if (def.composite === null) fail(at, `${name} is not a composite: give a usage string`);
      const o = raw as Record<string, unknown>;
      for (const k of Object.keys(o)) if (k !== 'use' && k !== 'components' && k !== '$comment') fail(`${at}.${k}`, 'unknown field (allowed: use, components)');
      place = parsePlace(o.use, `${at}.use`, fail);
      if (place.codes !== null) fail(`${at}.use`, 'a composite has no code values of its own: give them on its components');
      const list = o.components;
      const comps = def.composite.components;
      if (!Array.isArray(list) || list.length === 0) fail(`${at}.components`, 'must be a non-empty array');
      if (list.length > comps.length) fail(`${at}.components`, `${def.composite.id} has ${comps.length} components; ${list.length} listed`);
      const cuse = new Uint8Array(comps.length + 1);
      const ccodes: Array<readonly string[] | null> = new Array<readonly string[] | null>(comps.length + 1).fill(null);
      const crefs: string[] = [''];
      const clists: Array<readonly string[] | null> = new Array<readonly string[] | null>(comps.length + 1).fill(null);
      const creq: number[] = [];
      for (let j = 1; j <= comps.length; j++) {
        const cdef = comps[j - 1]!;
        crefs.push(cdef.ref);
        const cat = `${at}.components[${j - 1}]`;
        const cp = parsePlace(j <= list.length ? list[j - 1] : 'N', cat, fail);
        if (cp.use === NOT_USED && cdef.mandatory) fail(cat, `${name}-${j} is mandatory in the standard: it cannot be not used`);
        if (cp.codes !== null) checkCodes(cp.codes, cdef, cat, fail);
        cuse[j] = cp.use;
        ccodes[j] = cp.codes === null ? null : Object.freeze([...cp.codes]);
        clists[j] = cp.codes === null ? null : Object.freeze([...cp.codes]);
        if (cp.use === REQUIRED && !cdef.mandatory) creq.push(j);
      }
      if (place.use !== NOT_USED) components[i] = Object.freeze({ use: cuse, codes: Object.freeze(ccodes), required: Object.freeze(creq), refs: Object.freeze(crefs), lists: Object.freeze(clists) });
    } else {
      place = parsePlace(raw, at, fail);
      if (place.codes !== null) {
        if (def.composite !== null) fail(at, `${name} is a composite: give code values on its components ({ "use": ..., "components": [...] })`);
        checkCodes(place.codes, def, at, fail);
      }
    }
    if (place.use === NOT_USED && def.mandatory) fail(at, `${name} is mandatory in the standard: it cannot be not used`);
    use[i] = place.use;
    lists[i] = place.codes === null ? null : Object.freeze([...place.codes]);
    // The qualifier's values are the row's key: the tree builder checks them.
    codes[i] = place.codes === null || i === keyElement ? null : Object.freeze([...place.codes]);
    if (place.use === REQUIRED && !def.mandatory) required.push(i);
  }
  return Object.freeze({
    use,
    codes: Object.freeze(codes),
    components: Object.freeze(components),
    required: Object.freeze(required),
    refs: Object.freeze(refs),
    pairs: Object.freeze(compilePairs(rawPairs, seg, use, `${path}.pairs`, fail)),
    lists: Object.freeze(lists),
  });
}

function compilePairs(raw: unknown, seg: SegmentDef, use: Uint8Array, p: string, fail: Fail): PairRule[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail(p, 'must be an array of strings like "03 04" or "04-1 04-2"');
  return raw.map((x, i) => {
    const at = `${p}[${i}]`;
    if (typeof x !== 'string') fail(at, 'must be a string like "03 04" or "04-1 04-2"');
    const places = x.trim().split(/\s+/);
    if (places.length < 2) fail(at, 'names at least two places');
    const elements: number[] = [];
    const components: number[] = [];
    const refs: string[] = [];
    for (const pl of places) {
      const m = /^(\d\d)(?:-(\d{1,2}))?$/.exec(pl);
      if (m === null) fail(at, `${JSON.stringify(pl)} is not a place like "03" or "04-1"`);
      const e = Number(m[1]);
      const c = m[2] === undefined ? 0 : Number(m[2]);
      const def = seg.elements[e - 1];
      if (def === undefined) fail(at, `${seg.id} has no element ${m[1]}`);
      if (use[e] === NOT_USED) fail(at, `${seg.id}${m[1]} is not used here`);
      if (c > 0) {
        const cd = def.composite?.components[c - 1];
        if (cd === undefined) fail(at, `${seg.id}${m[1]} has no component ${c}`);
        refs.push(cd.ref);
      } else {
        refs.push(def.errorRef);
      }
      elements.push(e);
      components.push(c);
    }
    return Object.freeze({ text: x.trim(), elements: Object.freeze(elements), components: Object.freeze(components), refs: Object.freeze(refs) });
  });
}

/** One usage problem of a segment: where (element, component) and the IK403 code. */
export interface UsageProblem {
  readonly kind: 'missing' | 'not-used' | 'code' | 'pair';
  readonly element: number;
  readonly component: number;
  readonly elementRef: string;
  readonly value: string;
  /** For pairs: the place that is present. */
  readonly partner?: string;
}

/**
 * The usage problems of one segment under `rules` (empty when none; allocates only on a problem
 * or to read a composite's components).
 */
export function usageProblems(els: readonly string[], component: string, rules: ElementRules): UsageProblem[] | null {
  let out: UsageProblem[] | null = null;
  const use = rules.use;
  const last = Math.min(els.length - 1, use.length - 1);
  for (let i = 1; i <= last; i++) {
    const v = els[i]!;
    if (v === '') continue;
    const u = use[i]!;
    if (u === NOT_USED) {
      (out ??= []).push({ kind: 'not-used', element: i, component: 0, elementRef: rules.refs[i]!, value: v });
      continue;
    }
    const list = rules.codes[i];
    if (list != null && !inList(v, 0, v.length, list)) (out ??= []).push({ kind: 'code', element: i, component: 0, elementRef: rules.refs[i]!, value: v });
    const comp = rules.components[i];
    if (comp != null) out = componentProblems(v, component, i, comp, out);
  }
  const req = rules.required;
  for (let j = 0; j < req.length; j++) {
    const i = req[j]!;
    if (i >= els.length || els[i] === '') (out ??= []).push({ kind: 'missing', element: i, component: 0, elementRef: rules.refs[i]!, value: '' });
  }
  const pairs = rules.pairs;
  for (let j = 0; j < pairs.length; j++) out = pairProblems(els, component, pairs[j]!, out);
  return out;
}

function componentProblems(v: string, sep: string, i: number, comp: ComponentRules, out: UsageProblem[] | null): UsageProblem[] | null {
  const use = comp.use;
  let start = 0;
  let k = 1;
  // Bit k set when component k is present (composites have at most 31 components).
  let present = 0;
  for (;;) {
    let end = v.indexOf(sep, start);
    if (end < 0) end = v.length;
    if (end > start && k < use.length) {
      present |= 1 << k;
      const u = use[k]!;
      if (u === NOT_USED) {
        (out ??= []).push({ kind: 'not-used', element: i, component: k, elementRef: comp.refs[k]!, value: v.slice(start, end) });
      } else {
        const list = comp.codes[k];
        if (list != null && !inList(v, start, end, list)) (out ??= []).push({ kind: 'code', element: i, component: k, elementRef: comp.refs[k]!, value: v.slice(start, end) });
      }
    }
    if (end >= v.length) break;
    start = end + 1;
    k++;
  }
  for (const c of comp.required) if ((present & (1 << c)) === 0) (out ??= []).push({ kind: 'missing', element: i, component: c, elementRef: comp.refs[c]!, value: '' });
  return out;
}

/** Whether `v.slice(start, end)` is one of `list` (compared in place: code lists are short). */
function inList(v: string, start: number, end: number, list: readonly string[]): boolean {
  const n = end - start;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c.length === n && v.startsWith(c, start)) return true;
  }
  return false;
}

/** The value at an element (component 0) or inside it. */
function placeValue(els: readonly string[], sep: string, element: number, component: number): string {
  const v = els[element] ?? '';
  if (component === 0 || v === '') return v;
  return v.split(sep)[component - 1] ?? '';
}

function pairProblems(els: readonly string[], sep: string, pair: PairRule, out: UsageProblem[] | null): UsageProblem[] | null {
  let anyAt = -1;
  let missing = 0;
  for (let j = 0; j < pair.elements.length; j++) {
    if (placeValue(els, sep, pair.elements[j]!, pair.components[j]!) !== '') {
      if (anyAt < 0) anyAt = j;
    } else missing++;
  }
  if (anyAt < 0 || missing === 0) return out;
  const partner = placeName(pair.elements[anyAt]!, pair.components[anyAt]!);
  for (let j = 0; j < pair.elements.length; j++) {
    const e = pair.elements[j]!;
    const c = pair.components[j]!;
    if (placeValue(els, sep, e, c) === '') (out ??= []).push({ kind: 'pair', element: e, component: c, elementRef: pair.refs[j]!, value: '', partner });
  }
  return out;
}

export function placeName(element: number, component: number): string {
  return component > 0 ? `${pad2(element)}-${component}` : pad2(element);
}

const CODES = {
  missing: { code: 'ELEMENT_REQUIRED_MISSING', ik403: '1' },
  'not-used': { code: 'ELEMENT_NOT_USED', ik403: 'I10' },
  code: { code: 'ELEMENT_CODE', ik403: '7' },
  pair: { code: 'ELEMENT_PAIR_MISSING', ik403: 'I9' },
} as const;

/**
 * Checks every segment of a loop tree against its row's element usage and adds a finding per
 * problem (999 IK4). `skip(ordinal)`: segments already in error for their syntax, not checked again.
 */
export function checkElementUsage(tree: LoopTree, component: string, skip: (ordinal: number) => boolean, out: Finding[]): void {
  const segs = tree.segments;
  for (let i = 0; i < segs.length; i++) {
    const sn = segs[i];
    if (sn !== undefined && !skip(sn.segment.ordinal)) checkSegmentUsage(tree.grammar, sn, component, out);
  }
}

/** One segment of a loop tree against its row's element usage (nothing when the row has none). */
export function checkSegmentUsage(grammar: Grammar, sn: SegmentNode, component: string, out: Finding[]): void {
  const rules = sn.row?.elements;
  if (rules == null) return;
  const problems = usageProblems(sn.segment.elements(), component, rules);
  if (problems !== null) for (const p of problems) out.push(usageFinding(p, sn, grammar, rules));
}

function usageFinding(p: UsageProblem, sn: SegmentNode, grammar: Grammar, rules: ElementRules): Finding {
  const row = sn.row!;
  const seg = sn.segment;
  const at = `${seg.id}${placeName(p.element, p.component)}`;
  const loop = row.loop !== '' && grammar.loops.has(row.loop) ? row.loop : '';
  const use = `${loop === '' ? 'header' : loop} ${row.name} (${row.label})`;
  let message: string;
  if (p.kind === 'missing') message = `${at} is required in ${use}`;
  else if (p.kind === 'not-used') message = `${at} is not used in ${use}; found ${JSON.stringify(p.value)}`;
  else if (p.kind === 'code') {
    const list = p.component > 0 ? rules.components[p.element]?.lists[p.component] : rules.lists[p.element];
    message = `${at} ${JSON.stringify(p.value)} is not allowed in ${use}${list != null ? `: ${list.join(', ')}` : ''}`;
  } else message = `${at} goes with ${seg.id}${p.partner}, which is present, in ${use}`;
  const c = CODES[p.kind];
  return {
    severity: 'error',
    code: c.code,
    message,
    segment: seg.id,
    offset: seg.offset,
    ordinal: seg.ordinal,
    position: sn.position,
    ...(loop !== '' ? { loop } : {}),
    ack: {
      level: 'element',
      code: c.ik403,
      element: p.element,
      ...(p.component > 0 ? { component: p.component } : {}),
      elementRef: p.elementRef,
      ...(p.value !== '' ? { value: p.value } : {}),
    },
  };
}
