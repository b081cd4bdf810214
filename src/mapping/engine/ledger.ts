/**
 * What a writer has carried from a bundle into X12, by construction: the writers mark every
 * value they read into the 278 (a row's value and constants, a reference followed, a member id
 * chosen), and `unconsumed` walks the bundle from the Claim (or ClaimResponse) and its references
 * to name every element nobody marked, by its path in the bundle
 * (`Bundle.entry[3].resource.item[0].extension[2]`). No list of elements to watch: what is not
 * marked is reported.
 */

type Obj = Record<string, unknown>;

/** An element no writer carried: its path and a short description. */
export interface Unconsumed {
  readonly path: string;
  readonly what: string;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';

/** Keys every resource has that X12 does not need to carry (identity and bookkeeping made again on reading). */
const STRUCTURAL = new Set(['resourceType', 'id', 'meta']);

/** What a ledger holds (under a symbol, so that the class has no private members: the test oracle's copy of it must fit its type). */
interface LedgerState {
  /** Objects and arrays carried whole. */
  readonly whole: WeakSet<object>;
  /** Per object, the keys whose (primitive) value was carried. */
  readonly keys: WeakMap<object, Set<string>>;
  /** A writer's copy -> the bundle's object it was made from. */
  readonly origin: WeakMap<object, object>;
}

/** The key of a ledger's state: a member no caller names (and optional, so a type without it still fits). */
const STATE: unique symbol = Symbol('ledger state');

function stateOf(l: Ledger): LedgerState {
  return l[STATE]!;
}

/** `o.url` of an extension: where the object sits ends in `.extension[n]` or `.modifierExtension[n]`. */
const EXTENSION_PATH = /(?:^|\.)(?:modifierE|e)xtension\[\d+\]$/;

/**
 * Where the walk of `unconsumed` is: the root's path and the steps below it (a key, or an array
 * index), made into text only for what is reported.
 */
class Where {
  readonly steps: Array<string | number> = [];
  constructor(readonly root: string) {}

  path(): string {
    let p = this.root;
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      p += typeof s === 'number' ? `[${s}]` : `.${s}`;
    }
    return p;
  }

  /** Whether the path ends with an extension's place (`...extension[2]`), as EXTENSION_PATH tests the whole path. */
  atExtension(): boolean {
    const steps = this.steps;
    const n = steps.length;
    if (n === 0) return EXTENSION_PATH.test(this.root);
    const last = steps[n - 1]!;
    // The match starts at a '.' before or inside the last key (or the key before an index).
    if (typeof last === 'string') return EXTENSION_PATH.test(`.${last}`);
    const prev = n >= 2 ? steps[n - 2]! : null;
    if (prev === null) return EXTENSION_PATH.test(`${this.root}[${last}]`);
    if (typeof prev === 'number') return false;
    return EXTENSION_PATH.test(`.${prev}[${last}]`);
  }
}

/** What a path names after `Bundle.` (the text after its first dot). */
function afterFirstDot(p: string): string {
  return p.slice(p.indexOf('.') + 1);
}

export class Ledger {
  readonly [STATE]?: LedgerState = { whole: new WeakSet(), keys: new WeakMap(), origin: new WeakMap() };


  /** Says that `copy` (a shallow copy the writer made) stands for `original`. */
  copyOf<T extends object>(copy: T, original: object): T {
    const origin = stateOf(this).origin;
    if (copy !== original) origin.set(copy, origin.get(original) ?? original);
    return copy;
  }

  /** The bundle's object a copy stands for (the object itself when it is no copy). */
  originOf<T extends object>(o: T): T {
    return (stateOf(this).origin.get(o) ?? o) as T;
  }

  /** The path of an object of the bundle (a resource, an item...), found by identity; null when it is not in it. */
  pathIn(bundle: Obj, o: object): string | null {
    const target = this.originOf(o);
    const find = (v: unknown, path: string, depth: number): string | null => {
      if (v === target) return path;
      if (typeof v !== 'object' || v === null || depth > 6) return null;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const r = find(v[i], `${path}[${i}]`, depth + 1);
          if (r !== null) return r;
        }
        return null;
      }
      for (const k in v as Obj) {
        const r = find((v as Obj)[k], `${path}.${k}`, depth + 1);
        if (r !== null) return r;
      }
      return null;
    };
    if (target === bundle) return 'Bundle';
    return find(bundle.entry, 'Bundle.entry', 0);
  }

  /** Marks an object or array carried whole (a Coding written through a code table, a reference followed). */
  all(o: unknown): void {
    if (typeof o === 'object' && o !== null) {
      const s = stateOf(this);
      s.whole.add(s.origin.get(o) ?? o);
    }
  }

  /** Marks `o[k]` carried: a primitive by its key, an object or array whole. */
  key(o: unknown, k: string): void {
    if (typeof o !== 'object' || o === null) return;
    const v = (o as Obj)[k];
    const s = stateOf(this);
    if (typeof v === 'object' && v !== null) {
      s.whole.add(s.origin.get(v) ?? v);
      return;
    }
    if (v === undefined) return;
    const r = s.origin.get(o) ?? o;
    let set = s.keys.get(r);
    if (set === undefined) s.keys.set(r, (set = new Set()));
    set.add(k);
  }

  /** Whether anything under `o` was carried. */
  anyUnder(o: unknown): boolean {
    return anyUnder(stateOf(this), o);
  }

  /** Whether `o[k]` was carried, by its key or with `o` or one of `above` (its ancestors) carried whole. */
  carried(o: object, k: string, above: readonly object[] = []): boolean {
    const s = stateOf(this);
    const real = (x: object): object => s.origin.get(x) ?? x;
    if (s.whole.has(real(o)) || above.some((a) => s.whole.has(real(a)))) return true;
    return has(s, real(o), k);
  }

  /** Whether `o[k]` was carried. */
  has(o: object, k: string): boolean {
    return has(stateOf(this), o, k);
  }

  /**
   * The elements of the bundle no writer marked: the Bundle's own elements (not its entries), then
   * each entry reachable from `roots` through references, in entry order. An object nothing
   * under which was carried is named once, as a whole.
   */
  unconsumed(bundle: Obj, roots: readonly Obj[]): Unconsumed[] {
    const s = stateOf(this);
    const out: Unconsumed[] = [];
    const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
    const index = new Map<Obj, number>();
    const byRef = new Map<string, Obj>();
    entries.forEach((e, i) => {
      if (!isObj(e) || !isObj(e.resource)) return;
      const r = e.resource;
      index.set(r, i);
      if (typeof e.fullUrl === 'string') byRef.set(e.fullUrl, r);
      if (typeof r.resourceType === 'string' && typeof r.id === 'string') byRef.set(`${r.resourceType}/${r.id}`, r);
    });
    const resolve = (ref: string): Obj | undefined => byRef.get(ref) ?? byRef.get(ref.split('/').slice(-2).join('/'));
    // Reachable resources: the roots and what their references name, transitively.
    const reach = new Set<Obj>();
    const queue: Obj[] = [];
    const visitRefs = (v: unknown): void => {
      if (Array.isArray(v)) {
        for (const x of v) visitRefs(x);
        return;
      }
      if (!isObj(v)) return;
      if (typeof v.reference === 'string') {
        const r = resolve(v.reference);
        if (r !== undefined && !reach.has(r)) {
          reach.add(r);
          queue.push(r);
        }
      }
      for (const k in v) if (typeof v[k] === 'object') visitRefs(v[k]);
    };
    /** The first root's entry: never named as a whole. */
    const rootEntry = roots[0] !== undefined ? (index.get((s.origin.get(roots[0]) ?? roots[0]) as Obj) ?? -1) : null;
    for (const r of roots) {
      const real = (s.origin.get(r) ?? r) as Obj;
      if (!reach.has(real)) {
        reach.add(real);
        queue.push(real);
      }
    }
    while (queue.length > 0) visitRefs(queue.shift()!);
    // The bundle's own elements.
    const top: Obj = {};
    for (const k in bundle) if (k !== 'entry' && !STRUCTURAL.has(k) && k !== 'type') top[k] = bundle[k];
    walkObject(s, bundle, top, new Where('Bundle'), out, 'Bundle', true);
    for (const r of [...reach].sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0))) {
      const i = index.get(r);
      if (i === undefined) continue;
      const keys: Obj = {};
      for (const k in r) if (!STRUCTURAL.has(k)) keys[k] = r[k];
      const label = `${String(r.resourceType)}${typeof r.id === 'string' ? `/${r.id}` : ''}`;
      walkObject(s, r, keys, new Where(`Bundle.entry[${i}].resource`), out, label, i === rootEntry);
    }
    return out;
  }
}

/** Whether `o[k]` was carried. */
function has(s: LedgerState, o: object, k: string): boolean {
  const v = (o as Obj)[k];
  if (typeof v === 'object' && v !== null && s.whole.has(v)) return true;
  return s.keys.get(o)?.has(k) === true;
}

function anyUnder(s: LedgerState, o: unknown): boolean {
  if (typeof o !== 'object' || o === null) return false;
  const r = s.origin.get(o) ?? o;
  if (s.whole.has(r) || (s.keys.get(r)?.size ?? 0) > 0) return true;
  for (const k in o as Obj) if (anyUnder(s, (o as Obj)[k])) return true;
  return false;
}

/**
 * Walks the keys `view` lists of `o` (at `at`); returns whether anything under it was carried.
 * `root`: the Bundle or the first root, never named as a whole.
 */
function walkObject(s: LedgerState, o: Obj, view: Obj, at: Where, out: Unconsumed[], label: string, root: boolean): boolean {
  if (s.whole.has(o)) return true;
  // A data-absent reason says nothing to carry.
  if (o.url === DATA_ABSENT && typeof o.valueCode === 'string') return true;
  let any = false;
  const mine: Unconsumed[] = [];
  const isExtension = typeof o.url === 'string' && at.atExtension();
  const steps = at.steps;
  for (const k in view) {
    if (isExtension && k === 'url') continue;
    const v = view[k];
    if (has(s, o, k)) {
      any = true;
      continue;
    }
    steps.push(k);
    if (typeof v === 'object' && v !== null) {
      if (walk(s, v, at, mine, label)) any = true;
    } else {
      const p = at.path();
      mine.push({ path: p, what: `${label} ${afterFirstDot(p)} ${JSON.stringify(v)}` });
    }
    steps.pop();
  }
  if (!any && mine.length > 1 && !root) {
    const path = at.path();
    out.push({ path, what: `${label} ${afterFirstDot(path)}${isExtension ? ` (${String(o.url)})` : ''}` });
    return false;
  }
  if (isExtension && !any && mine.length === 1) {
    const path = at.path();
    out.push({ path, what: `${label} ${afterFirstDot(path)} (${String(o.url)})` });
    return false;
  }
  for (const m of mine) out.push(m);
  return any;
}

function walk(s: LedgerState, v: object, at: Where, out: Unconsumed[], label: string): boolean {
  if (s.whole.has(v)) return true;
  if (Array.isArray(v)) {
    let any = false;
    const mine: Unconsumed[] = [];
    const steps = at.steps;
    for (let i = 0; i < v.length; i++) {
      // Holes are skipped, as forEach does.
      if (!(i in v)) continue;
      const x: unknown = v[i];
      steps.push(i);
      if (typeof x === 'object' && x !== null) {
        if (walk(s, x, at, mine, label)) any = true;
      } else if (has(s, v, String(i))) any = true;
      else {
        const p = at.path();
        mine.push({ path: p, what: `${label} ${afterFirstDot(p)} ${JSON.stringify(x)}` });
      }
      steps.pop();
    }
    if (!any && mine.length > 1) {
      const path = at.path();
      out.push({ path, what: `${label} ${afterFirstDot(path)}` });
      return false;
    }
    for (const m of mine) out.push(m);
    return any;
  }
  return walkObject(s, v as Obj, v as Obj, at, out, label, false);
}
