import { readFileSync } from 'node:fs';
import { PAS_PROFILE } from '../../pas/constants.js';
import { isObj } from '../engine/obj.js';

/**
 * The kind of an item's requested service (PAS extension-requestedService: a ServiceRequest,
 * DeviceRequest or MedicationRequest), from `mappings/codes/requested-kind.json`. The request rows
 * read and write a ServiceRequest's `code`, `occurrenceTiming` and `quantityQuantity` (HSD); the
 * table says where another kind holds them. Writing, `serviceView` shows a DeviceRequest or
 * MedicationRequest to the rows in that shape; reading, `asKind` turns the ServiceRequest the rows
 * filled into the kind the 278's code stands for (`readKind`), so each comes back as itself where
 * the 278 tells it apart.
 */

type Obj = Record<string, unknown>;

export type RequestKind = 'ServiceRequest' | 'DeviceRequest' | 'MedicationRequest';

interface KindRule {
  readonly resourceType: RequestKind;
  readonly system: string;
  readonly pattern: RegExp | null;
  /** The kind has no place for an HSD quantity: a service with one stays a ServiceRequest. */
  readonly noQuantity: boolean;
  /** ServiceRequest field -> its place in this kind (dotted, numbers for array positions). */
  readonly fields: ReadonlyArray<readonly [string, readonly string[]]>;
  /** Fields the kind requires, from the Claim's field of that name (requester <- provider). */
  readonly fromClaim: ReadonlyArray<readonly [string, string]>;
}

const PROFILES: Readonly<Record<RequestKind, string>> = {
  ServiceRequest: PAS_PROFILE.serviceRequest,
  DeviceRequest: PAS_PROFILE.deviceRequest,
  MedicationRequest: PAS_PROFILE.medicationRequest,
};


let rules: readonly KindRule[] | undefined;

function kindRules(): readonly KindRule[] {
  if (rules !== undefined) return rules;
  const raw = JSON.parse(readFileSync(new URL('../../../mappings/codes/requested-kind.json', import.meta.url), 'utf8')) as { kinds: Obj[] };
  rules = raw.kinds.map((k) => ({
    resourceType: k.resourceType as RequestKind,
    system: String(k.system),
    pattern: typeof k.pattern === 'string' ? new RegExp(k.pattern) : null,
    noQuantity: k.noQuantity === true,
    fields: Object.entries((k.fields as Record<string, string> | undefined) ?? {}).map(([from, to]) => [from, to.split('.')] as const),
    fromClaim: Object.entries((k.fromClaim as Record<string, string> | undefined) ?? {}),
  }));
  return rules;
}

function ruleOf(kind: unknown): KindRule | undefined {
  return kindRules().find((r) => r.resourceType === kind);
}

/** The kind a service reads back as: from its item's product (its first coding, as the rows write it) and whether its HSD gives a quantity. */
export function readKind(product: unknown, hasQuantity: boolean): RequestKind {
  const c = isObj(product) && Array.isArray(product.coding) ? (product.coding as unknown[])[0] : undefined;
  if (!isObj(c) || typeof c.code !== 'string') return 'ServiceRequest';
  for (const r of kindRules()) {
    if (c.system !== r.system || (r.pattern !== null && !r.pattern.test(c.code)) || (r.noQuantity && hasQuantity)) continue;
    return r.resourceType;
  }
  return 'ServiceRequest';
}

function getAt(o: Obj, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

function putAt(o: Obj, path: readonly string[], v: unknown): void {
  let cur: Obj | unknown[] = o;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const nextIsIndex = /^\d+$/.test(path[i + 1]!);
    const have: unknown = Array.isArray(cur) ? cur[Number(k)] : cur[k];
    const child = typeof have === 'object' && have !== null ? (have as Obj | unknown[]) : nextIsIndex ? [] : {};
    if (Array.isArray(cur)) cur[Number(k)] = child;
    else cur[k] = child;
    cur = child;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(cur)) cur[Number(last)] = v;
  else cur[last] = v;
}

/**
 * A DeviceRequest or MedicationRequest as the rows read a ServiceRequest: a shallow copy with
 * `code`, `occurrenceTiming` and `quantityQuantity` taken from where the kind holds them (the same
 * objects, so what the rows carry is carried in the resource itself). Any other resource is returned as it is.
 */
export function serviceView(res: Obj): Obj {
  const rule = ruleOf(res.resourceType);
  if (rule === undefined) return res;
  const view: Obj = { ...res };
  for (const [from, to] of rule.fields) {
    if (to.length === 1 && to[0] === from) continue;
    delete view[to[0]!];
    const v = getAt(res, to);
    if (v !== undefined) view[from] = v;
  }
  return view;
}

/**
 * The ServiceRequest the rows filled, as `kind` (its profile, and its fields where that kind holds
 * them), with what the kind requires from `claim` (the Claim read from the same 278).
 */
export function asKind(sr: Obj, kind: RequestKind, claim: Obj = {}): Obj {
  const rule = ruleOf(kind);
  if (rule === undefined || kind === 'ServiceRequest') return sr;
  const out: Obj = {};
  const moved = new Map(rule.fields.map(([from, to]) => [from, to]));
  for (const [k, v] of Object.entries(sr)) {
    if (k === 'resourceType') out.resourceType = kind;
    else if (k === 'meta') out.meta = { ...(v as Obj), profile: [PROFILES[kind]] };
    else if (moved.has(k)) putAt(out, moved.get(k)!, v);
    else out[k] = v;
  }
  for (const [field, from] of rule.fromClaim) if (out[field] === undefined && claim[from] !== undefined) out[field] = claim[from];
  return out;
}

/** Where `field` of the rows' view of `res` (a ServiceRequest field) sits in `res` itself, as a path (`dispenseRequest.quantity`). */
export function fieldIn(res: Obj, field: string): string {
  const to = ruleOf(res.resourceType)?.fields.find(([from]) => from === field)?.[1];
  if (to === undefined) return field;
  return to.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
