// Oracle: src/mapping/engine/path.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * FHIR paths as the mapping rows write them: `identifier[payerId].type.coding[0].code`.
 * `name[0]` is an array position, `identifier[payerId]` a named slice (one array entry per slice
 * name, created on first use), `diagnosis[*]` one entry per repeated X12 element (HI01..HI12).
 * Compiled once into steps; setting a value walks the steps without parsing.
 */
export type Step =
  | { readonly kind: 'prop'; readonly prop: string }
  | { readonly kind: 'index'; readonly prop: string; readonly index: number }
  | { readonly kind: 'slice'; readonly prop: string; readonly slice: string }
  | { readonly kind: 'each'; readonly prop: string };

export type Path = readonly Step[];

const STEP = /^([A-Za-z][A-Za-z0-9]*)(?:\[(\d+|\*|[A-Za-z][A-Za-z0-9-]*)\])?$/;

/** Parses a path; returns an error message instead when it is malformed. */
export function parsePath(text: string): Path | string {
  if (text === '') return 'empty path';
  const steps: Step[] = [];
  for (const part of text.split('.')) {
    const m = STEP.exec(part);
    if (m === null) return `${JSON.stringify(part)} is not a path step (name, name[0], name[slice] or name[*])`;
    const prop = m[1]!;
    const sel = m[2];
    if (sel === undefined) steps.push({ kind: 'prop', prop });
    else if (sel === '*') steps.push({ kind: 'each', prop });
    else if (/^\d+$/.test(sel)) steps.push({ kind: 'index', prop, index: Number(sel) });
    else steps.push({ kind: 'slice', prop, slice: sel });
  }
  return steps;
}

type Obj = Record<string, unknown>;
/** Slice name -> entry, per array (kept off the FHIR objects). */
const slices = new WeakMap<unknown[], Map<string, Obj>>();

function array(o: Obj, prop: string): unknown[] {
  let a = o[prop];
  if (!Array.isArray(a)) {
    a = [];
    o[prop] = a;
  }
  return a as unknown[];
}

function entry(a: unknown[], key: string): Obj {
  let m = slices.get(a);
  if (m === undefined) {
    m = new Map();
    slices.set(a, m);
  }
  let e = m.get(key);
  if (e === undefined) {
    e = {};
    m.set(key, e);
    a.push(e);
  }
  return e;
}

/** Sets `value` at `path` under `root`, creating objects and arrays on the way. `each` is the instance of a `[*]` step. */
export function setPath(root: Obj, path: Path, value: unknown, each: number): void {
  let o = root;
  const last = path.length - 1;
  for (let i = 0; i <= last; i++) {
    const s = path[i]!;
    if (i === last) {
      if (s.kind === 'prop') o[s.prop] = value;
      else if (s.kind === 'index') array(o, s.prop)[s.index] = value;
      else Object.assign(entry(array(o, s.prop), s.kind === 'slice' ? s.slice : `*${each}`), value as Obj);
      return;
    }
    if (s.kind === 'prop') {
      let n = o[s.prop];
      if (typeof n !== 'object' || n === null) {
        n = {};
        o[s.prop] = n;
      }
      o = n as Obj;
    } else if (s.kind === 'index') {
      const a = array(o, s.prop);
      let n = a[s.index];
      if (typeof n !== 'object' || n === null) {
        n = {};
        a[s.index] = n;
      }
      o = n as Obj;
    } else {
      o = entry(array(o, s.prop), s.kind === 'slice' ? s.slice : `*${each}`);
    }
  }
}

/** A fresh copy of a JSON constant (rows' `set` values), so bundles never share objects. */
export function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copy);
  const o: Obj = {};
  for (const k in v) o[k] = copy((v as Obj)[k]);
  return o;
}

