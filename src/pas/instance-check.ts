/**
 * Walks a resource (or an extension) against a compiled profile tree and reports what medplum
 * does not: rules on elements below backbone elements, slices (matching, cardinality, closed
 * slicing) at every depth, required bindings, and the profile's own invariants there.
 */
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { TypedValue } from '@medplum/core';
import { PAS_CODE, pasFinding } from './findings.js';
import type { PasFinding } from './findings.js';
import type { CompiledProfile, ElementRule, SlicingRule } from './profile-rules.js';
import { stripVersion } from './profile-rules.js';
import type { Terminology } from './terminology.js';

type Json = Record<string, unknown>;

export interface WalkContext {
  profile: CompiledProfile;
  /** The resource being validated (FHIRPath `%resource`). */
  resource: Json;
  terminology: Terminology;
  out: PasFinding[];
}

interface Item {
  value: unknown;
  location: string;
  /** FHIR type of the value when known (choice elements: from the JSON key). */
  type: string | undefined;
}

/** Check `obj` (a resource or an extension) against the profile's root element. */
export function checkInstance(obj: Json, location: string, ctx: WalkContext): void {
  const root = ctx.profile.root;
  if (!root.medplum) {
    const item: Item = { value: obj, location, type: root.fhirType ?? ctx.profile.type };
    checkConstraints(item, root, ctx);
  }
  checkChildren(obj, root.children, location, ctx);
}

function checkChildren(obj: Json, children: readonly ElementRule[], location: string, ctx: WalkContext): void {
  for (const child of children) {
    const items = itemsOf(obj, child, location);
    checkElement(items, child, location, ctx);
  }
}

function checkElement(items: Item[], node: ElementRule, parentLocation: string, ctx: WalkContext): void {
  if (!node.medplum) {
    checkCardinality(items.length, node, node.min, node.max, `${parentLocation}.${node.name}`, ctx, PAS_CODE.cardinality);
    for (const item of items) checkValueRules(item, node, ctx);
  }
  if (node.requiredValueSet) for (const item of items) checkBinding(item, node, node.requiredValueSet, ctx);

  const assigned = node.slicing ? assignSlices(items, node, node.slicing, parentLocation, ctx) : undefined;

  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (node.resource || item.value === null || typeof item.value !== 'object' || Array.isArray(item.value)) continue;
    const slice = assigned?.[i];
    let children: readonly ElementRule[] = node.children;
    if (slice) {
      checkValueRules(item, slice, ctx);
      if (slice.requiredValueSet) checkBinding(item, slice, slice.requiredValueSet, ctx);
      if (slice.children.length > 0) children = mergeChildren(slice.children, node.children);
    }
    if (children.length > 0) checkChildren(item.value as Json, children, item.location, ctx);
  }
}

/** Slice children win; base children the slice does not restate still apply. */
function mergeChildren(slice: readonly ElementRule[], base: readonly ElementRule[]): readonly ElementRule[] {
  if (base.length === 0) return slice;
  const names = new Set(slice.map((c) => c.name));
  const extra = base.filter((c) => !names.has(c.name));
  return extra.length ? [...slice, ...extra] : slice;
}

function checkCardinality(
  count: number,
  node: ElementRule,
  min: number,
  max: number,
  location: string,
  ctx: WalkContext,
  code: string,
): void {
  if (count >= min && count <= max) return;
  const range = `${min}..${Number.isFinite(max) ? max : '*'}`;
  const what = node.sliceName ? `slice '${node.sliceName}' of ${node.path}` : node.path;
  const text =
    count < min
      ? min === 1 && count === 0
        ? `${what} is required (${range}) but missing`
        : `${what} needs ${range} values, found ${count}`
      : `${what} allows ${range} values, found ${count}`;
  ctx.out.push(pasFinding('error', code, location, text, ctx.profile.canonical, node.id));
}

function checkValueRules(item: Item, node: ElementRule, ctx: WalkContext): void {
  if (node.choice && item.type && node.types.length > 0 && !node.types.some((t) => t.code === item.type)) {
    const allowed = node.types.map((t) => t.code).join(', ');
    ctx.out.push(
      pasFinding('error', PAS_CODE.type, item.location, `${node.path} does not allow type ${item.type} (allowed: ${allowed})`, ctx.profile.canonical, node.id),
    );
  }
  if (node.fixed !== undefined && !deepEqual(item.value, node.fixed)) {
    ctx.out.push(
      pasFinding(
        'error',
        PAS_CODE.fixedValue,
        item.location,
        `value ${short(item.value)} differs from the fixed value ${short(node.fixed)} (${node.valueKey})`,
        ctx.profile.canonical,
        node.id,
      ),
    );
  }
  if (node.pattern !== undefined && !matchesPattern(item.value, node.pattern)) {
    ctx.out.push(
      pasFinding(
        'error',
        PAS_CODE.pattern,
        item.location,
        `value ${short(item.value)} does not match the pattern ${short(node.pattern)} (${node.valueKey})`,
        ctx.profile.canonical,
        node.id,
      ),
    );
  }
  checkConstraints(item, node, ctx);
}

function checkConstraints(item: Item, node: ElementRule, ctx: WalkContext): void {
  for (const c of node.constraints) {
    if (!c.atom) continue;
    const typed: TypedValue = { type: item.type ?? node.fhirType ?? toTypedValue(item.value).type, value: item.value };
    let failed: boolean;
    try {
      const result = evalFhirPathTyped(c.atom, [typed], {
        '%context': typed,
        '%resource': toTypedValue(ctx.resource),
        '%rootResource': toTypedValue(ctx.resource),
        '%ucum': toTypedValue('http://unitsofmeasure.org'),
      });
      // An invariant fails when it yields false; an empty result does not fail it.
      failed = result.some((r) => r.value === false);
    } catch {
      failed = false;
    }
    if (failed) {
      const source = c.source ? stripVersion(c.source) : undefined;
      const from = source && source !== ctx.profile.url ? ` (declared by ${source})` : '';
      ctx.out.push(
        pasFinding('error', PAS_CODE.invariant, item.location, `invariant ${c.key} failed: ${c.human}${from}`, ctx.profile.canonical, `${node.id} ${c.key}`),
      );
    }
  }
}

function checkBinding(item: Item, node: ElementRule, valueSet: string, ctx: WalkContext): void {
  const type = item.type ?? node.fhirType;
  const v = item.value;
  const verdicts: { system: string | undefined; code: string; verdict: string }[] = [];
  if (type === 'code' && typeof v === 'string') {
    verdicts.push({ system: undefined, code: v, verdict: ctx.terminology.check(valueSet, undefined, v) });
  } else if (type === 'Coding' && isObject(v) && typeof v.code === 'string') {
    const system = typeof v.system === 'string' ? v.system : undefined;
    verdicts.push({ system, code: v.code, verdict: ctx.terminology.check(valueSet, system, v.code) });
  } else if (type === 'CodeableConcept' && isObject(v) && Array.isArray(v.coding)) {
    for (const c of v.coding) {
      if (!isObject(c) || typeof c.code !== 'string') continue;
      const system = typeof c.system === 'string' ? c.system : undefined;
      verdicts.push({ system, code: c.code, verdict: system ? ctx.terminology.check(valueSet, system, c.code) : 'unchecked' });
    }
  } else {
    return;
  }
  if (verdicts.length === 0) return;
  if (verdicts.some((x) => x.verdict !== 'not-in-value-set')) return;
  const codes = verdicts.map((x) => (x.system ? `${x.system}#${x.code}` : `'${x.code}'`)).join(', ');
  const vs = ctx.terminology.valueSet(valueSet);
  const how = vs?.partial ? ' (checked by code system: the value set cannot be expanded offline)' : '';
  ctx.out.push(
    pasFinding(
      'error',
      PAS_CODE.binding,
      item.location,
      `${codes} is not in the required value set ${stripVersion(valueSet)}${how}`,
      ctx.profile.canonical,
      node.id,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Slicing
// ---------------------------------------------------------------------------------------------

function assignSlices(
  items: Item[],
  node: ElementRule,
  slicing: SlicingRule,
  parentLocation: string,
  ctx: WalkContext,
): (ElementRule | undefined)[] {
  const assigned: (ElementRule | undefined)[] = items.map((item) =>
    slicing.slices.find((slice) => matchesSlice(item, slice, slicing, ctx)),
  );
  const location = `${parentLocation}.${node.name}`;
  for (const slice of slicing.slices) {
    let count = 0;
    for (const a of assigned) if (a === slice) count++;
    checkCardinality(count, slice, slice.min, slice.max, location, ctx, PAS_CODE.sliceCardinality);
  }
  if (slicing.rules === 'closed') {
    for (let i = 0; i < items.length; i++) {
      if (assigned[i]) continue;
      const names = slicing.slices.map((s) => s.sliceName).join(', ');
      ctx.out.push(
        pasFinding('error', PAS_CODE.sliceClosed, items[i]!.location, `value matches none of the slices of ${node.path} (closed slicing: ${names})`, ctx.profile.canonical, node.id),
      );
    }
  }
  return assigned;
}

function matchesSlice(item: Item, slice: ElementRule, slicing: SlicingRule, ctx: WalkContext): boolean {
  if (slicing.discriminators.length === 0) return false;
  for (const d of slicing.discriminators) {
    const path = d.path.trim();
    if (d.type === 'type') {
      if (path === '$this') {
        if (!item.type || !slice.types.some((t) => t.code === item.type)) return false;
      } else {
        const target = findSliceElement(slice, path);
        const values = evalPath(item.value, path);
        const first = values[0];
        if (!target || !isObject(first)) return false;
        const rt = typeof first.resourceType === 'string' ? first.resourceType : undefined;
        if (!rt || !target.types.some((t) => t.code === rt || t.code === 'Resource')) return false;
      }
      continue;
    }
    if (d.type === 'exists') {
      const target = findSliceElement(slice, path);
      const present = evalPath(item.value, path).length > 0;
      if (!target || (target.min > 0 && !present) || (target.max === 0 && present)) return false;
      continue;
    }
    if (d.type !== 'value' && d.type !== 'pattern') return false; // profile discriminators: not supported
    const values = evalPath(item.value, path);
    const target = path === '$this' ? slice : findSliceElement(slice, path);
    let expected: unknown;
    let exact = false;
    if (target?.fixed !== undefined) {
      expected = target.fixed;
      exact = true;
    } else if (target?.pattern !== undefined) {
      expected = target.pattern;
    } else if (/(^|\.)url$/.test(path) && slice.types.some((t) => t.code === 'Extension')) {
      const profile = slice.types.find((t) => t.code === 'Extension')?.profiles[0];
      if (!profile) return false;
      expected = stripVersion(profile);
      exact = true;
    } else if (target?.requiredValueSet) {
      // Discriminated by a binding: a value matches when its code is in the value set.
      const vs = target.requiredValueSet;
      if (!values.some((v) => codingsOf(v).some((c) => ctx.terminology.check(vs, c.system, c.code, 'slicing') === 'ok'))) return false;
      continue;
    } else {
      return false;
    }
    if (!values.some((v) => (exact ? deepEqual(v, expected) : matchesPattern(v, expected)))) return false;
  }
  return true;
}

function codingsOf(v: unknown): { system: string | undefined; code: string }[] {
  if (!isObject(v)) return [];
  if (typeof v.code === 'string') return [{ system: typeof v.system === 'string' ? v.system : undefined, code: v.code }];
  if (Array.isArray(v.coding)) return v.coding.flatMap(codingsOf);
  return [];
}

/** Split a discriminator path into steps, keeping `extension('...')` whole. */
function pathSteps(path: string): string[] {
  const steps: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === '.') {
      steps.push(path.slice(start, i).trim());
      start = i + 1;
    }
  }
  steps.push(path.slice(start).trim());
  // `value as boolean` -> `value`
  return steps.map((s) => s.replace(/\s+as\s+\w+$/, '')).filter((s) => s !== '' && s !== '$this');
}

const EXTENSION_CALL = /^extension\('([^']*)'\)$/;

/** Evaluate a discriminator path on JSON (the subset of FHIRPath discriminators use). */
function evalPath(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const step of pathSteps(path)) {
    const next: unknown[] = [];
    const ext = EXTENSION_CALL.exec(step);
    for (const v of current) {
      if (!isObject(v)) continue;
      if (ext) {
        for (const e of asArray(v.extension)) if (isObject(e) && e.url === ext[1]) next.push(e);
      } else if (/^ofType\(\w+\)$/.test(step) || step === 'resolve()') {
        next.push(v);
      } else if (step in v) {
        next.push(...asArray(v[step]));
      } else {
        // choice element: `value` -> `valueBoolean`
        for (const key of Object.keys(v)) {
          if (key.length > step.length && key.startsWith(step) && isUpper(key.charCodeAt(step.length))) next.push(...asArray(v[key]));
        }
      }
    }
    current = next;
  }
  return current;
}

/** The element of a slice a discriminator path points at. */
function findSliceElement(slice: ElementRule, path: string): ElementRule | undefined {
  let node: ElementRule | undefined = slice;
  for (const step of pathSteps(path)) {
    if (!node) return undefined;
    const ext = EXTENSION_CALL.exec(step);
    if (ext) {
      const extNode: ElementRule | undefined = node.children.find((c) => c.name === 'extension');
      node = extNode?.slicing?.slices.find((s) => s.types.some((t) => t.profiles.some((p) => stripVersion(p) === ext[1])));
      continue;
    }
    if (/^ofType\(\w+\)$/.test(step) || step === 'resolve()') continue;
    const current: ElementRule = node;
    node = current.children.find((c) => c.name === step || c.name === `${step}[x]`);
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------------------------

function itemsOf(obj: Json, node: ElementRule, location: string): Item[] {
  const items: Item[] = [];
  const name = node.name;
  if (node.choice) {
    const base = name.slice(0, -3);
    for (const key of Object.keys(obj)) {
      if (key.length <= base.length || !key.startsWith(base) || !isUpper(key.charCodeAt(base.length))) continue;
      const suffix = key.slice(base.length);
      const type = node.types.find((t) => upperFirst(t.code) === suffix)?.code ?? typeFromSuffix(suffix);
      items.push({ value: obj[key], location: `${location}.${key}`, type });
    }
    return items;
  }
  const value = obj[name];
  const type = node.fhirType;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) items.push({ value: value[i], location: `${location}.${name}[${i}]`, type });
  } else if (value !== undefined) {
    items.push({ value, location: `${location}.${name}`, type });
  } else {
    // A primitive present only through its extensions (`_name`) still counts.
    const ext = obj[`_${name}`];
    if (Array.isArray(ext)) {
      for (let i = 0; i < ext.length; i++) items.push({ value: undefined, location: `${location}.${name}[${i}]`, type });
    } else if (ext !== undefined) {
      items.push({ value: undefined, location: `${location}.${name}`, type });
    }
  }
  return items;
}

const PRIMITIVE_SUFFIXES = new Set([
  'Base64Binary', 'Boolean', 'Canonical', 'Code', 'Date', 'DateTime', 'Decimal', 'Id', 'Instant', 'Integer',
  'Markdown', 'Oid', 'PositiveInt', 'String', 'Time', 'UnsignedInt', 'Uri', 'Url', 'Uuid',
]);

function typeFromSuffix(suffix: string): string {
  return PRIMITIVE_SUFFIXES.has(suffix) ? suffix.charAt(0).toLowerCase() + suffix.slice(1) : suffix;
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a as Json);
  const bk = Object.keys(b as Json);
  return ak.length === bk.length && ak.every((k) => deepEqual((a as Json)[k], (b as Json)[k]));
}

/** FHIR pattern matching: every property of the pattern is in the value; arrays by inclusion. */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return value === pattern;
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value)) return false;
    return pattern.every((p) => value.some((v) => matchesPattern(v, p)));
  }
  if (!isObject(value)) return false;
  for (const [k, p] of Object.entries(pattern as Json)) {
    if (!matchesPattern(value[k], p)) return false;
  }
  return true;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
