/**
 * Segment-level X12 syntax checks against the 005010 standard dictionary:
 * requirement designators, lengths, data types, dates/times, repetitions,
 * composites and syntax notes. Errors carry 999 IK4 data (position, reference
 * number, IK403 code, copy of bad data).
 *
 * The hot path does not allocate when a segment is valid: elements are scanned in
 * place by character codes (no split/regex) and a shared frozen result is returned.
 */
import { dictionary, RuleKind, TypeKind } from './dictionary.js';
import type { ComponentDef, ElementDef, SegmentDef, SyntaxNote } from './dictionary.js';

export interface ElementError {
  /** 1-based element position in the segment (999 IK401-1). */
  element: number;
  /** 1-based component position inside a composite (999 IK401-2). */
  component?: number;
  /** 1-based repetition position (999 IK401-3). */
  repetition?: number;
  /**
   * Data element reference number (999 IK402). For an error about a whole composite this is the
   * composite's first component ref (IK402 is numeric, so a composite id cannot go there); for an
   * error inside a component, the component's own ref. Empty when no definition exists at the
   * position (too many data elements).
   */
  elementRef: string;
  /** 999 IK403 implementation data element syntax error code. */
  code: string;
  /** Our own short English words. */
  message: string;
  /** Copy of the bad data (999 IK404), at most 99 characters. */
  value?: string;
}

export interface SegmentSyntaxResult {
  /** False: segment id not in the dictionary (no element checks done). */
  known: boolean;
  /** Empty when the segment is syntactically fine. */
  errors: ElementError[];
}

/** 999 IK403 codes (X12 element 621) that this checker emits. */
export const IK403 = {
  MANDATORY_MISSING: '1',
  CONDITIONAL_MISSING: '2',
  TOO_MANY_ELEMENTS: '3',
  TOO_SHORT: '4',
  TOO_LONG: '5',
  INVALID_CHARACTER: '6',
  INVALID_DATE: '8',
  INVALID_TIME: '9',
  EXCLUSION_VIOLATED: '10',
  TOO_MANY_REPETITIONS: '12',
  TOO_MANY_COMPONENTS: '13',
} as const;

const MAX_COPY = 99;

const VALID: SegmentSyntaxResult = Object.freeze({ known: true, errors: Object.freeze([]) as unknown as ElementError[] });
const UNKNOWN: SegmentSyntaxResult = Object.freeze({ known: false, errors: Object.freeze([]) as unknown as ElementError[] });

const C_0 = 48;
const C_9 = 57;
const C_MINUS = 45;
const C_POINT = 46;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function copy(s: string, start: number, end: number): string {
  return s.slice(start, end - start > MAX_COPY ? start + MAX_COPY : end);
}

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** Two digits at i as a number; the caller has already checked they are digits. */
function num2(s: string, i: number): number {
  return (s.charCodeAt(i) - C_0) * 10 + (s.charCodeAt(i + 1) - C_0);
}

function daysInMonth(year: number, month: number, twoDigitYear: boolean): number {
  if (month === 2) {
    const leap = twoDigitYear ? year % 4 === 0 : (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

type ValueDef = Pick<ComponentDef, 'kind' | 'min' | 'max'>;

/**
 * Checks one non-empty value s[start, end) against its type and length.
 * Returns '' when fine, else the IK403 code.
 */
function checkValue(d: ValueDef, s: string, start: number, end: number): string {
  const len = end - start;
  switch (d.kind) {
    case TypeKind.N: {
      let i = start;
      if (s.charCodeAt(i) === C_MINUS) i++;
      if (i === end) return IK403.INVALID_CHARACTER;
      for (let k = i; k < end; k++) if (!isDigit(s.charCodeAt(k))) return IK403.INVALID_CHARACTER;
      const digits = end - i;
      if (digits < d.min) return IK403.TOO_SHORT;
      if (digits > d.max) return IK403.TOO_LONG;
      return '';
    }
    case TypeKind.R: {
      let i = start;
      if (s.charCodeAt(i) === C_MINUS) i++;
      let digits = 0;
      let points = 0;
      for (let k = i; k < end; k++) {
        const c = s.charCodeAt(k);
        if (isDigit(c)) digits++;
        else if (c === C_POINT && points === 0) points++;
        else return IK403.INVALID_CHARACTER;
      }
      if (digits === 0) return IK403.INVALID_CHARACTER;
      if (digits < d.min) return IK403.TOO_SHORT;
      if (digits > d.max) return IK403.TOO_LONG;
      return '';
    }
    case TypeKind.DT: {
      if (len < d.min) return IK403.TOO_SHORT;
      if (len > d.max) return IK403.TOO_LONG;
      for (let k = start; k < end; k++) if (!isDigit(s.charCodeAt(k))) return IK403.INVALID_DATE;
      let year: number;
      let at: number;
      if (len === 8) {
        year = num2(s, start) * 100 + num2(s, start + 2);
        at = start + 4;
      } else if (len === 6) {
        year = num2(s, start);
        at = start + 2;
      } else {
        return IK403.INVALID_DATE;
      }
      const month = num2(s, at);
      const day = num2(s, at + 2);
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month, len === 6)) return IK403.INVALID_DATE;
      return '';
    }
    case TypeKind.TM: {
      if (len < d.min) return IK403.TOO_SHORT;
      if (len > d.max) return IK403.TOO_LONG;
      for (let k = start; k < end; k++) if (!isDigit(s.charCodeAt(k))) return IK403.INVALID_TIME;
      // HHMM, HHMMSS, HHMMSSd, HHMMSSdd
      if (len < 4 || len === 5) return IK403.INVALID_TIME;
      if (num2(s, start) > 23 || num2(s, start + 2) > 59) return IK403.INVALID_TIME;
      if (len >= 6 && num2(s, start + 4) > 59) return IK403.INVALID_TIME;
      return '';
    }
    default:
      // AN and ID: length only (code values are not checked here).
      if (len < d.min) return IK403.TOO_SHORT;
      if (len > d.max) return IK403.TOO_LONG;
      return '';
  }
}

/** True when s has any character other than the separators (an element made only of separators is absent). */
function hasData(s: string, start: number, end: number, compSep: number, repSep: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== compSep && c !== repSep) return true;
  }
  return false;
}

/** Collects errors for one segment; created only when the first error appears. */
class Sink {
  readonly errors: ElementError[] = [];
  constructor(readonly seg: SegmentDef) {}

  name(element: number, component?: number): string {
    const base = `${this.seg.id}${pad2(element)}`;
    return component === undefined ? base : `${base}-${pad2(component)}`;
  }

  add(
    code: string,
    element: number,
    elementRef: string,
    message: string,
    component?: number,
    repetition?: number,
    value?: string,
  ): void {
    const e: ElementError = { element, elementRef, code, message };
    if (component !== undefined) e.component = component;
    if (repetition !== undefined) e.repetition = repetition;
    if (value !== undefined && value.length > 0) e.value = value;
    this.errors.push(e);
  }
}

function valueMessage(code: string, who: string, d: ValueDef & { type: string }): string {
  switch (code) {
    case IK403.TOO_SHORT:
      return `${who} shorter than ${d.min} character${d.min === 1 ? '' : 's'}`;
    case IK403.TOO_LONG:
      return `${who} longer than ${d.max} character${d.max === 1 ? '' : 's'}`;
    case IK403.INVALID_CHARACTER:
      return d.kind === TypeKind.R ? `${who} is not a decimal number` : `${who} is not a ${d.type} number (digits with an optional leading minus)`;
    case IK403.INVALID_DATE:
      return `${who} is not a valid ${d.max === 6 ? 'YYMMDD' : 'CCYYMMDD'} date`;
    case IK403.INVALID_TIME:
      return `${who} is not a valid HHMM[SS[d[d]]] time`;
    default:
      return `${who} is invalid`;
  }
}

/** True when the note is satisfied by the presence bits in mask (bit i = position i has data). */
function noteHolds(note: SyntaxNote, mask: number): boolean {
  const m = mask & note.mask;
  switch (note.rule) {
    case RuleKind.P:
      return m === 0 || m === note.mask;
    case RuleKind.R:
      return m !== 0;
    case RuleKind.C:
      return (m & note.first) === 0 || (m & note.rest) === note.rest;
    case RuleKind.L:
      return (m & note.first) === 0 || (m & note.rest) !== 0;
    case RuleKind.E:
      return (m & (m - 1)) === 0;
    default:
      return true;
  }
}

/**
 * Reports a violated note (slow path, only runs when there is an error).
 * who(i) names position i (0-based); report(code, i, message) records the error at i.
 */
function reportNote(note: SyntaxNote, mask: number, who: (i: number) => string, report: (code: string, i: number, message: string) => void): void {
  const idx = note.indexes;
  const present = (i: number): boolean => (mask & (1 << i)) !== 0;
  const list = (from: number): string => idx.slice(from).map(who).join(', ');
  const first = idx[0] as number;
  switch (note.rule) {
    case RuleKind.P: {
      const any = idx.find(present) ?? first;
      for (const i of idx) if (!present(i)) report(IK403.CONDITIONAL_MISSING, i, `${who(i)} is required when ${who(any)} is present (${note.text})`);
      break;
    }
    case RuleKind.R:
      report(IK403.CONDITIONAL_MISSING, first, `at least one of ${list(0)} is required (${note.text})`);
      break;
    case RuleKind.C:
      for (const i of idx.slice(1)) if (!present(i)) report(IK403.CONDITIONAL_MISSING, i, `${who(i)} is required when ${who(first)} is present (${note.text})`);
      break;
    case RuleKind.L:
      report(IK403.CONDITIONAL_MISSING, idx[1] as number, `at least one of ${list(1)} is required when ${who(first)} is present (${note.text})`);
      break;
    case RuleKind.E: {
      const used = idx.filter(present);
      const keep = used[0] ?? first;
      for (const i of used.slice(1)) report(IK403.EXCLUSION_VIOLATED, i, `${who(i)} must not be used together with ${who(keep)} (${note.text})`);
      break;
    }
  }
}

// The two reporters below are separate functions on purpose: closures inside the hot
// functions would make V8 allocate a context object on every call, even for valid data.

function reportCompositeNote(sink: Sink, note: SyntaxNote, mask: number, ed: ElementDef, repetition: number | undefined): Sink {
  const comps = ed.composite?.components ?? [];
  reportNote(
    note,
    mask,
    (i) => sink.name(ed.position, i + 1),
    (code, i, message) => sink.add(code, ed.position, comps[i]?.ref ?? '', message, i + 1, repetition),
  );
  return sink;
}

function reportSegmentNote(sink: Sink, note: SyntaxNote, mask: number, elements: readonly string[], base: number): Sink {
  const defs = sink.seg.elements;
  reportNote(
    note,
    mask,
    (i) => sink.name(i + 1),
    (code, i, message) => {
      const ed = defs[i] as ElementDef;
      const v = elements[base + i];
      const value = code === IK403.EXCLUSION_VIOLATED && typeof v === 'string' ? copy(v, 0, v.length) : undefined;
      sink.add(code, ed.position, ed.errorRef, message, undefined, undefined, value);
    },
  );
  return sink;
}

/**
 * Checks one occurrence (repetition) s[start, end) of a composite element. Returns the sink
 * (created lazily). The occurrence is known to contain data.
 */
function checkComposite(
  sink: Sink | null,
  seg: SegmentDef,
  ed: ElementDef,
  s: string,
  start: number,
  end: number,
  compSep: number,
  repetition: number | undefined,
): Sink | null {
  const composite = ed.composite;
  if (composite === null) return sink;
  const comps = composite.components;
  let mask = 0;
  let k = 0;
  let cs = start;
  for (;;) {
    let ce = cs;
    if (compSep >= 0) while (ce < end && s.charCodeAt(ce) !== compSep) ce++;
    else ce = end;
    if (k >= comps.length) {
      // A separator beyond the defined components: too many components (reported once).
      let total = k + 1;
      for (let i = ce; i < end; i++) if (s.charCodeAt(i) === compSep) total++;
      sink ??= new Sink(seg);
      sink.add(
        IK403.TOO_MANY_COMPONENTS,
        ed.position,
        ed.errorRef,
        `${sink.name(ed.position)} has ${total} components; ${composite.id} defines ${comps.length}`,
        undefined,
        repetition,
        copy(s, start, end),
      );
      break;
    }
    const cd = comps[k] as ComponentDef;
    if (ce > cs) {
      if (k < 31) mask |= 1 << k;
      const code = checkValue(cd, s, cs, ce);
      if (code !== '') {
        sink ??= new Sink(seg);
        sink.add(code, ed.position, cd.ref, valueMessage(code, sink.name(ed.position, k + 1), cd), k + 1, repetition, copy(s, cs, ce));
      }
    } else if (cd.mandatory) {
      sink ??= new Sink(seg);
      sink.add(IK403.MANDATORY_MISSING, ed.position, cd.ref, `${sink.name(ed.position, k + 1)} is required but missing`, k + 1, repetition);
    }
    k++;
    if (ce >= end) break;
    cs = ce + 1;
  }
  // Components after the last separator are absent.
  for (; k < comps.length; k++) {
    const cd = comps[k] as ComponentDef;
    if (cd.mandatory) {
      sink ??= new Sink(seg);
      sink.add(IK403.MANDATORY_MISSING, ed.position, cd.ref, `${sink.name(ed.position, k + 1)} is required but missing`, k + 1, repetition);
    }
  }
  const notes = composite.syntax;
  for (let n = 0; n < notes.length; n++) {
    const note = notes[n] as SyntaxNote;
    if (noteHolds(note, mask)) continue;
    sink = reportCompositeNote(sink ?? new Sink(seg), note, mask, ed, repetition);
  }
  return sink;
}

/** Checks one occurrence s[start, end) of a simple element (non-empty). */
function checkSimple(sink: Sink | null, seg: SegmentDef, ed: ElementDef, s: string, start: number, end: number, compSep: number, repetition: number | undefined): Sink | null {
  if (compSep >= 0) {
    for (let i = start; i < end; i++) {
      if (s.charCodeAt(i) === compSep) {
        sink ??= new Sink(seg);
        sink.add(
          IK403.TOO_MANY_COMPONENTS,
          ed.position,
          ed.errorRef,
          `${sink.name(ed.position)} is a simple element but contains a component separator`,
          undefined,
          repetition,
          copy(s, start, end),
        );
        return sink;
      }
    }
  }
  const code = checkValue(ed, s, start, end);
  if (code !== '') {
    sink ??= new Sink(seg);
    sink.add(code, ed.position, ed.ref, valueMessage(code, sink.name(ed.position), ed as ElementDef & { type: string }), undefined, repetition, copy(s, start, end));
  }
  return sink;
}

/**
 * Checks one segment's elements against the X12 005010 standard-level definition.
 * elements[0] is element 01 (the segment id is not included); raw element strings,
 * composites and repetitions not split. component is the component separator
 * (ISA16); repetition is the repetition separator (ISA11) or null when there is none.
 */
export function checkSegmentSyntax(id: string, elements: readonly string[], component: string, repetition: string | null): SegmentSyntaxResult {
  const seg = dictionary().get(id);
  if (seg === undefined) return UNKNOWN;
  return checkSegmentAgainst(seg, elements, component, repetition);
}

/**
 * Same checks as checkSegmentSyntax, against an already compiled definition (for example one
 * from compileDictionary on narrowed or test data).
 */
export function checkSegmentAgainst(seg: SegmentDef, elements: readonly string[], component: string, repetition: string | null): SegmentSyntaxResult {
  return checkSegmentFrom(seg, elements, 0, separatorCode(component), separatorCode(repetition));
}

/** Tests turn the one-scan path for plain simple elements off, to compare it with the general walk. */
export const syntaxPaths = { oneScan: true };

/** The character code of a separator given as a string; -1 for none. */
export function separatorCode(sep: string | null): number {
  return typeof sep === 'string' && sep.length > 0 ? sep.charCodeAt(0) : -1;
}

/**
 * Same checks as checkSegmentAgainst, on the elements of `elements` from index `base` (1 for a
 * segment's `elements()`, whose index 0 is the id: nothing is copied), with the separators as
 * character codes (-1: none). For callers checking many segments of one interchange.
 */
export function checkSegmentFrom(seg: SegmentDef, elements: readonly string[], base: number, componentCode: number, repetitionCode: number): SegmentSyntaxResult {
  const raw = seg.raw;
  const compSep = raw ? -1 : componentCode;
  const repSep = raw ? -1 : repetitionCode;
  const defs = seg.elements;
  const count = defs.length;
  const n = elements.length > base ? elements.length - base : 0;
  let sink: Sink | null = null;
  /** Bit p set when element p (0-based, p < 31) has data; feeds the syntax notes. */
  let present = 0;

  for (let p = 0; p < count; p++) {
    const ed = defs[p] as ElementDef;
    const v = p < n ? elements[base + p] : undefined;
    if (typeof v !== 'string' || v.length === 0 || (!raw && !hasData(v, 0, v.length, compSep, repSep))) {
      if (ed.mandatory) {
        sink ??= new Sink(seg);
        sink.add(IK403.MANDATORY_MISSING, ed.position, ed.errorRef, `${sink.name(ed.position)} is required but missing`);
      }
      continue;
    }
    if (p < 31) present |= 1 << p;
    if (raw) {
      sink = checkSimple(sink, seg, ed, v, 0, v.length, -1, undefined);
      continue;
    }
    const repeatable = ed.repeat > 1;
    const end = v.length;
    if (ed.composite === null && ed.repeat >= 1 && syntaxPaths.oneScan) {
      // Most elements: a simple value with no separator in it, one occurrence with data (the
      // element has data): checked in one scan, as the general walk below would check it.
      let k = 0;
      while (k < end) {
        const c = v.charCodeAt(k);
        if (c === compSep || c === repSep) break;
        k++;
      }
      if (k === end) {
        sink = checkSimple(sink, seg, ed, v, 0, end, -1, repeatable ? 1 : undefined);
        continue;
      }
    }
    let r = 0;
    let rs = 0;
    for (;;) {
      let re = rs;
      if (repSep >= 0) while (re < end && v.charCodeAt(re) !== repSep) re++;
      else re = end;
      r++;
      if (r > ed.repeat) {
        let total = r;
        for (let i = re; i < end; i++) if (v.charCodeAt(i) === repSep) total++;
        sink ??= new Sink(seg);
        sink.add(
          IK403.TOO_MANY_REPETITIONS,
          ed.position,
          ed.errorRef,
          repeatable
            ? `${sink.name(ed.position)} has ${total} repetitions; at most ${ed.repeat} allowed`
            : `${sink.name(ed.position)} does not repeat but contains a repetition separator`,
          undefined,
          ed.repeat + 1,
          copy(v, 0, end),
        );
        break;
      }
      if (re > rs && hasData(v, rs, re, compSep, -1)) {
        const rep = repeatable ? r : undefined;
        sink = ed.composite !== null ? checkComposite(sink, seg, ed, v, rs, re, compSep, rep) : checkSimple(sink, seg, ed, v, rs, re, compSep, rep);
      }
      if (re >= end) break;
      rs = re + 1;
    }
  }

  if (n > count) {
    // Element separators beyond the definition (even when the extra elements are empty).
    let value: string | undefined;
    for (let p = count; p < n; p++) {
      const v = elements[base + p];
      if (typeof v === 'string' && v.length > 0) {
        value = copy(v, 0, v.length);
        break;
      }
    }
    sink ??= new Sink(seg);
    sink.add(IK403.TOO_MANY_ELEMENTS, count + 1, '', `${seg.id} has ${n} elements; ${count} are defined`, undefined, undefined, value);
  }

  const notes = seg.syntax;
  for (let k = 0; k < notes.length; k++) {
    const note = notes[k] as SyntaxNote;
    if (noteHolds(note, present)) continue;
    sink = reportSegmentNote(sink ?? new Sink(seg), note, present, elements, base);
  }

  if (sink === null) return VALID;
  const errors = sink.errors;
  if (errors.length > 1) {
    errors.sort((a, b) => a.element - b.element || (a.component ?? 0) - (b.component ?? 0) || (a.repetition ?? 0) - (b.repetition ?? 0));
  }
  return { known: true, errors };
}
