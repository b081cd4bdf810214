import { readFileSync } from 'node:fs';

/**
 * The JSON shape of a FHIR bundle checked before any writer reads it: every element the FHIR R4
 * definitions know is checked for its JSON type (an array where the element repeats, a single
 * value where it does not, an object for a complex type, a string, number or boolean for a
 * primitive), and `null` is refused anywhere. The writers can then read what they find without
 * guarding every step. The shapes come from the FHIR R4 StructureDefinitions
 * (mappings/fhir/shapes.json, written by scripts/fhir-shapes.mjs); elements they do not know
 * (an unknown resource type, `_x` primitive extensions, keys of no FHIR element) are left alone.
 */

/** A finding of the shape check: where (FHIRPath-like) and what is wrong. */
export interface ShapeFinding {
  readonly severity: 'error';
  readonly code: 'BAD_SHAPE';
  readonly message: string;
  /** e.g. `Bundle.entry[2].resource.extension[0]` */
  readonly path: string;
}

/** Type name -> element name -> `[*]type[|type...]` (`*`: repeats). */
type Shapes = Record<string, Record<string, string>>;

interface ElementShape {
  readonly many: boolean;
  readonly type: string;
  /** The JSON type of the primitive's value (`primitiveJson`), or null for a complex type. */
  readonly prim: 'string' | 'number' | 'boolean' | null;
  /** `_x` of this element: the id and extensions of the primitive (an Element, or an array of them). */
  readonly twin: ElementShape;
}

let shapes: Shapes | null = null;
const byType = new Map<string, Map<string, ElementShape>>();

function shapesTable(): Shapes {
  return (shapes ??= JSON.parse(readFileSync(new URL('../../../mappings/fhir/shapes.json', import.meta.url), 'utf8')) as Shapes);
}

/** The elements of a type by their JSON key (choice elements `value[x]` under each of their keys, e.g. `valueString`). */
function elementsOf(type: string): Map<string, ElementShape> | undefined {
  const known = byType.get(type);
  if (known !== undefined) return known;
  const def = shapesTable()[type];
  if (def === undefined) return undefined;
  const m = new Map<string, ElementShape>();
  for (const [name, spec] of Object.entries(def)) {
    const many = spec.startsWith('*');
    const types = (many ? spec.slice(1) : spec).split('|');
    if (name.endsWith('[x]')) {
      const base = name.slice(0, -3);
      for (const t of types) m.set(base + t[0]!.toUpperCase() + t.slice(1), shapeOf(many, t));
    } else m.set(name, shapeOf(many, types[0]!));
  }
  byType.set(type, m);
  return m;
}

function shapeOf(many: boolean, type: string): ElementShape {
  const twin = { many, type: 'Element', prim: null } as { many: boolean; type: string; prim: null; twin: ElementShape };
  twin.twin = twin;
  return { many, type, prim: primitiveJson(type), twin };
}

const NUMBER_TYPES = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt', 'integer64']);

/** The JSON type a primitive's value has, or null for a complex type. */
function primitiveJson(type: string): 'string' | 'number' | 'boolean' | null {
  if (type === 'boolean') return 'boolean';
  if (NUMBER_TYPES.has(type)) return 'number';
  if (type.startsWith('System.')) return 'string';
  const c = type.charCodeAt(0);
  if (c >= 0x61 && c <= 0x7a && !type.includes('.')) return 'string';
  return null;
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
}

/** At most this many findings per bundle (a bundle broken everywhere says where it starts to be). */
const MAX_FINDINGS = 20;

/**
 * Where the walk is: the path's steps as a stack (a key, or an array index), made into text
 * (`Bundle.entry[2].resource.extension[0]`) only for a finding.
 */
class Walk {
  readonly steps: Array<string | number> = [];
  readonly out: ShapeFinding[] = [];
  constructor(readonly root: string) {}

  /** The current path, with `key` (a key or an index) after it when given. */
  path(key?: string | number): string {
    let p = this.root;
    for (const s of this.steps) p += typeof s === 'number' ? `[${s}]` : `.${s}`;
    if (key !== undefined) p += typeof key === 'number' ? `[${key}]` : `.${key}`;
    return p;
  }

  /** A finding at the current path (with `key` after it). */
  add(message: string, key?: string | number): void {
    if (this.out.length >= MAX_FINDINGS) return;
    const path = this.path(key);
    this.out.push({ severity: 'error', code: 'BAD_SHAPE', message: `${path}: ${message}`, path });
  }
}

/**
 * The shape findings of a bundle (empty when its shape is sound). Never throws, whatever the
 * value: the bundle is walked with the FHIR R4 shapes of its resources' types.
 */
export function checkBundleShape(bundle: unknown): ShapeFinding[] {
  const w = new Walk('Bundle');
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    w.add(`a bundle must be a JSON object, not ${jsonType(bundle)}`);
    return w.out;
  }
  resource(bundle as Record<string, unknown>, w, 0);
  return w.out;
}

/** Deeper than this, a value is not walked further (FHIR bundles are a few dozen levels deep). */
const MAX_DEPTH = 64;

function resource(o: Record<string, unknown>, w: Walk, depth: number): void {
  const rt = o.resourceType;
  if (typeof rt !== 'string') {
    w.add(rt === undefined ? 'a resource without resourceType' : `resourceType must be a string, not ${jsonType(rt)}`);
    return;
  }
  if (elementsOf(rt) === undefined) {
    w.add(`${JSON.stringify(rt.slice(0, 64))} is not a FHIR R4 resource type`, 'resourceType');
    return;
  }
  complex(o, rt, w, depth);
}

function complex(o: Record<string, unknown>, type: string, w: Walk, depth: number): void {
  if (depth > MAX_DEPTH) {
    w.add(`nested deeper than ${MAX_DEPTH} levels`);
    return;
  }
  const els = elementsOf(type);
  if (els === undefined) return;
  const steps = w.steps;
  for (const key in o) {
    if (!Object.prototype.hasOwnProperty.call(o, key)) continue;
    const v = o[key];
    if (v === null) {
      w.add('null is not a FHIR value (leave the element out)', key);
      continue;
    }
    let el = els.get(key);
    // `_x`: the id and extensions of primitive x (an Element, or an array of them, null allowed, where x repeats).
    if (el === undefined && key.charCodeAt(0) === 0x5f) el = els.get(key.slice(1))?.twin;
    if (el === undefined) continue;
    if (el.many) {
      if (!Array.isArray(v)) {
        w.add(`must be an array, not ${jsonType(v)}`, key);
        continue;
      }
      // A null in a primitive array is allowed where the `_x` array has that item's extensions (and in `_x` itself).
      const under = key.charCodeAt(0) === 0x5f;
      const twin = under ? null : o[`_${key}`];
      steps.push(key);
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x === null && (under || (Array.isArray(twin) && twin[i] !== null && twin[i] !== undefined))) continue;
        steps.push(i);
        one(x, el, w, depth + 1);
        steps.pop();
      }
      steps.pop();
    } else if (Array.isArray(v)) w.add('repeats no more than once: must be a single value, not an array', key);
    else {
      steps.push(key);
      one(v, el, w, depth + 1);
      steps.pop();
    }
  }
}

function one(v: unknown, el: ElementShape, w: Walk, depth: number): void {
  if (v === null) {
    w.add('null is not a FHIR value (leave the element out)');
    return;
  }
  const prim = el.prim;
  const type = el.type;
  if (prim !== null) {
    if (typeof v !== prim) w.add(`a ${type} must be a JSON ${prim}, not ${jsonType(v)}`);
    return;
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    w.add(`a ${type} must be a JSON object, not ${jsonType(v)}`);
    return;
  }
  if (type === 'Resource' || type === 'DomainResource') resource(v as Record<string, unknown>, w, depth);
  else complex(v as Record<string, unknown>, type, w, depth);
}
