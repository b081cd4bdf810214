// Oracle: src/mapping/engine/bundle-shape.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
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
}

let shapes: Shapes | null = null;
const byType = new Map<string, Map<string, ElementShape>>();

function shapesTable(): Shapes {
  return (shapes ??= JSON.parse(readFileSync(new URL('../../../../mappings/fhir/shapes.json', import.meta.url), 'utf8')) as Shapes);
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
      for (const t of types) m.set(base + t[0]!.toUpperCase() + t.slice(1), { many, type: t });
    } else m.set(name, { many, type: types[0]! });
  }
  byType.set(type, m);
  return m;
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
 * The shape findings of a bundle (empty when its shape is sound). Never throws, whatever the
 * value: the bundle is walked with the FHIR R4 shapes of its resources' types.
 */
export function checkBundleShape(bundle: unknown): ShapeFinding[] {
  const out: ShapeFinding[] = [];
  const add = (path: string, message: string): void => {
    if (out.length < MAX_FINDINGS) out.push({ severity: 'error', code: 'BAD_SHAPE', message: `${path}: ${message}`, path });
  };
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    add('Bundle', `a bundle must be a JSON object, not ${jsonType(bundle)}`);
    return out;
  }
  resource(bundle as Record<string, unknown>, 'Bundle', add, 0);
  return out;
}

type Add = (path: string, message: string) => void;

/** Deeper than this, a value is not walked further (FHIR bundles are a few dozen levels deep). */
const MAX_DEPTH = 64;

function resource(o: Record<string, unknown>, path: string, add: Add, depth: number): void {
  const rt = o.resourceType;
  if (typeof rt !== 'string') {
    add(path, rt === undefined ? 'a resource without resourceType' : `resourceType must be a string, not ${jsonType(rt)}`);
    return;
  }
  if (elementsOf(rt) === undefined) {
    add(`${path}.resourceType`, `${JSON.stringify(rt.slice(0, 64))} is not a FHIR R4 resource type`);
    return;
  }
  complex(o, rt, path, add, depth);
}

function complex(o: Record<string, unknown>, type: string, path: string, add: Add, depth: number): void {
  if (depth > MAX_DEPTH) {
    add(path, `nested deeper than ${MAX_DEPTH} levels`);
    return;
  }
  const els = elementsOf(type);
  if (els === undefined) return;
  for (const key of Object.keys(o)) {
    const v = o[key];
    const at = `${path}.${key}`;
    if (v === null) {
      add(at, 'null is not a FHIR value (leave the element out)');
      continue;
    }
    let el = els.get(key);
    // `_x`: the id and extensions of primitive x (an Element, or an array of them, null allowed, where x repeats).
    if (el === undefined && key.startsWith('_') && els.has(key.slice(1))) el = { many: els.get(key.slice(1))!.many, type: 'Element' };
    if (el === undefined) continue;
    if (el.many) {
      if (!Array.isArray(v)) {
        add(at, `must be an array, not ${jsonType(v)}`);
        continue;
      }
      // A null in a primitive array is allowed where the `_x` array has that item's extensions (and in `_x` itself).
      const twin = key[0] === '_' ? null : o[`_${key}`];
      for (let i = 0; i < v.length; i++) {
        if (v[i] === null && (key[0] === '_' || (Array.isArray(twin) && twin[i] !== null && twin[i] !== undefined))) continue;
        one(v[i], el.type, `${at}[${i}]`, add, depth + 1);
      }
    } else if (Array.isArray(v)) add(at, 'repeats no more than once: must be a single value, not an array');
    else one(v, el.type, at, add, depth + 1);
  }
}

function one(v: unknown, type: string, path: string, add: Add, depth: number): void {
  if (v === null) {
    add(path, 'null is not a FHIR value (leave the element out)');
    return;
  }
  const prim = primitiveJson(type);
  if (prim !== null) {
    if (typeof v !== prim) add(path, `a ${type} must be a JSON ${prim}, not ${jsonType(v)}`);
    return;
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    add(path, `a ${type} must be a JSON object, not ${jsonType(v)}`);
    return;
  }
  if (type === 'Resource' || type === 'DomainResource') resource(v as Record<string, unknown>, path, add, depth);
  else complex(v as Record<string, unknown>, type, path, add, depth);
}
