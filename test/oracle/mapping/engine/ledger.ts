// Oracle: src/mapping/engine/ledger.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
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

export class Ledger {
  /** Objects and arrays carried whole. */
  private readonly whole = new WeakSet<object>();
  /** Per object, the keys whose (primitive) value was carried. */
  private readonly keys = new WeakMap<object, Set<string>>();
  /** A writer's copy -> the bundle's object it was made from. */
  private readonly origin = new WeakMap<object, object>();
  /** The first root's path: never named as a whole. */
  private rootPath = '';

  /** Says that `copy` (a shallow copy the writer made) stands for `original`. */
  copyOf<T extends object>(copy: T, original: object): T {
    if (copy !== original) this.origin.set(copy, this.origin.get(original) ?? original);
    return copy;
  }

  /** The bundle's object a copy stands for (the object itself when it is no copy). */
  originOf<T extends object>(o: T): T {
    return this.real(o) as T;
  }

  /** The path of an object of the bundle (a resource, an item...), found by identity; null when it is not in it. */
  pathIn(bundle: Obj, o: object): string | null {
    const target = this.real(o);
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

  private real(o: object): object {
    return this.origin.get(o) ?? o;
  }

  /** Marks an object or array carried whole (a Coding written through a code table, a reference followed). */
  all(o: unknown): void {
    if (typeof o === 'object' && o !== null) this.whole.add(this.real(o));
  }

  /** Marks `o[k]` carried: a primitive by its key, an object or array whole. */
  key(o: unknown, k: string): void {
    if (typeof o !== 'object' || o === null) return;
    const v = (o as Obj)[k];
    if (typeof v === 'object' && v !== null) {
      this.all(v);
      return;
    }
    if (v === undefined) return;
    const r = this.real(o);
    let s = this.keys.get(r);
    if (s === undefined) this.keys.set(r, (s = new Set()));
    s.add(k);
  }

  /** Whether anything under `o` was carried. */
  anyUnder(o: unknown): boolean {
    if (typeof o !== 'object' || o === null) return false;
    const r = this.real(o);
    if (this.whole.has(r) || (this.keys.get(r)?.size ?? 0) > 0) return true;
    for (const k in o as Obj) if (this.anyUnder((o as Obj)[k])) return true;
    return false;
  }

  /** Whether `o[k]` was carried, by its key or with `o` or one of `above` (its ancestors) carried whole. */
  carried(o: object, k: string, above: readonly object[] = []): boolean {
    if (this.whole.has(this.real(o)) || above.some((a) => this.whole.has(this.real(a)))) return true;
    return this.has(this.real(o), k);
  }

  /** Whether `o[k]` was carried. */
  has(o: object, k: string): boolean {
    const v = (o as Obj)[k];
    if (typeof v === 'object' && v !== null && this.whole.has(v)) return true;
    return this.keys.get(o)?.has(k) === true;
  }

  /**
   * The elements of the bundle no writer marked: the Bundle's own elements (not its entries), then
   * each entry reachable from `roots` through references, in entry order. An object nothing
   * under which was carried is named once, as a whole.
   */
  unconsumed(bundle: Obj, roots: readonly Obj[]): Unconsumed[] {
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
    this.rootPath = roots[0] !== undefined ? `Bundle.entry[${index.get(this.real(roots[0]) as Obj) ?? -1}].resource` : '';
    for (const r of roots) {
      const real = this.real(r) as Obj;
      if (!reach.has(real)) {
        reach.add(real);
        queue.push(real);
      }
    }
    while (queue.length > 0) visitRefs(queue.shift()!);
    // The bundle's own elements.
    const top: Obj = {};
    for (const k in bundle) if (k !== 'entry' && !STRUCTURAL.has(k) && k !== 'type') top[k] = bundle[k];
    this.walkObject(bundle, top, 'Bundle', out, 'Bundle');
    for (const r of [...reach].sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0))) {
      const i = index.get(r);
      if (i === undefined) continue;
      const keys: Obj = {};
      for (const k in r) if (!STRUCTURAL.has(k)) keys[k] = r[k];
      const label = `${String(r.resourceType)}${typeof r.id === 'string' ? `/${r.id}` : ''}`;
      this.walkObject(r, keys, `Bundle.entry[${i}].resource`, out, label);
    }
    return out;
  }

  /** Walks the keys `view` lists of `o`; returns whether anything under it was carried. */
  private walkObject(o: Obj, view: Obj, path: string, out: Unconsumed[], label: string): boolean {
    if (this.whole.has(o)) return true;
    // A data-absent reason says nothing to carry.
    if (o.url === DATA_ABSENT && typeof o.valueCode === 'string') return true;
    let any = false;
    const mine: Unconsumed[] = [];
    const isExtension = typeof o.url === 'string' && /(?:^|\.)(?:modifierE|e)xtension\[\d+\]$/.test(path);
    for (const k in view) {
      if (isExtension && k === 'url') continue;
      const v = view[k];
      const p = `${path}.${k}`;
      if (this.has(o, k)) {
        any = true;
        continue;
      }
      if (typeof v === 'object' && v !== null) {
        if (this.walk(v, p, mine, label)) any = true;
      } else mine.push({ path: p, what: `${label} ${p.slice(p.indexOf('.') + 1)} ${JSON.stringify(v)}` });
    }
    if (!any && mine.length > 1 && path !== 'Bundle' && path !== this.rootPath) {
      out.push({ path, what: `${label} ${path.slice(path.indexOf('.') + 1)}${isExtension ? ` (${String(o.url)})` : ''}` });
      return false;
    }
    if (isExtension && !any && mine.length === 1) {
      out.push({ path, what: `${label} ${path.slice(path.indexOf('.') + 1)} (${String(o.url)})` });
      return false;
    }
    for (const m of mine) out.push(m);
    return any;
  }

  private walk(v: object, path: string, out: Unconsumed[], label: string): boolean {
    if (this.whole.has(v)) return true;
    if (Array.isArray(v)) {
      let any = false;
      const mine: Unconsumed[] = [];
      v.forEach((x, i) => {
        const p = `${path}[${i}]`;
        if (typeof x === 'object' && x !== null) {
          if (this.walk(x, p, mine, label)) any = true;
        } else if (this.has(v, String(i))) any = true;
        else mine.push({ path: p, what: `${label} ${p.slice(p.indexOf('.') + 1)} ${JSON.stringify(x)}` });
      });
      if (!any && mine.length > 1) {
        out.push({ path, what: `${label} ${path.slice(path.indexOf('.') + 1)}` });
        return false;
      }
      for (const m of mine) out.push(m);
      return any;
    }
    return this.walkObject(v as Obj, v as Obj, path, out, label);
  }
}
