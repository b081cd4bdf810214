/**
 * PAS bundle -> 278 -> PAS bundle, compared element by element: what the way back does not give
 * again, each by its path in the original bundle (`Bundle.entry[3].resource.item[0].quantity`),
 * and whether a finding of the conversion names it (a finding's path that is the element's or
 * one of its ancestors'). Requests, inquiries, responses and inquiry responses. Resources are
 * paired by their role (the Claim, the insurer, the requester, the subscriber, the Coverage, each
 * item's service, each provider, ...), arrays by equal entries first, then by their place.
 * Elements the way back adds are not compared (ids, profiles, data-absent reasons).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { PAS_VERSION_INFO, type PasVersion } from '../pas/versions.js';
import { MemoryControlNumbers, readX12Buffer } from '../x12/index.js';
import { disassembleRequest } from './request/disassemble.js';
import { inquiryResponseToBundle } from './inquiry/response.js';
import { requestToBundle } from './request/read.js';
import { bundlesToRequestX12 } from './request/x12.js';
import { disassembleResponse } from './response/disassemble.js';
import { responseToBundle } from './response/read.js';
import { responseBundleToX12 } from './response/x12.js';
import { isObj } from './engine/obj.js';

type Obj = Record<string, unknown>;

export interface FhirDifference {
  /** The element in the original bundle. */
  readonly path: string;
  /** Its value there, and on the way back (undefined: absent). */
  readonly original: unknown;
  readonly again: unknown;
  /** Whether a finding of the conversion names it. */
  readonly named: boolean;
}

export interface FhirFinding {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

export interface FhirRoundTripResult {
  readonly kind: 'request' | 'response';
  readonly pasVersion: PasVersion;
  /** The 278 written ('' when the bundle was refused). */
  readonly x12: string;
  readonly status: 'not converted' | 'same' | 'different';
  readonly findings: readonly FhirFinding[];
  readonly differences: readonly FhirDifference[];
  /** The bundle read back from the 278 (null when not converted). */
  readonly again: Obj | null;
}


/** The PAS version a bundle is written for: its profiles' `|version`, else the extensions only one version has; 2.2.1 by default. */
export function pasVersionOf(bundle: Obj): PasVersion {
  const text = JSON.stringify(bundle);
  if (/\|2\.0\.1"/.test(text)) return '2.0.1';
  if (/\|2\.2\.1"/.test(text)) return '2.2.1';
  for (const u of PAS_VERSION_INFO['2.2.1'].onlyExtensions) if (text.includes(`"${u}"`)) return '2.2.1';
  for (const u of PAS_VERSION_INFO['2.0.1'].onlyExtensions) if (text.includes(`"${u}"`)) return '2.0.1';
  return '2.2.1';
}

/** Whether a bundle is a response (a ClaimResponse and no Claim, or a ClaimResponse first). */
export function isResponseBundle(bundle: Obj): boolean {
  const types = Array.isArray(bundle.entry) ? (bundle.entry as Array<{ resource?: { resourceType?: unknown } } | undefined>).map((e) => e?.resource?.resourceType) : [];
  return types[0] === 'ClaimResponse' || (types.includes('ClaimResponse') && !types.includes('Claim'));
}

/** Whether a finding path names `path` (the same element or an ancestor of it). */
export function names(findingPath: string, path: string): boolean {
  if (!path.startsWith(findingPath)) return false;
  const next = path.charAt(findingPath.length);
  return next === '' || next === '.' || next === '[';
}

const SKIP = new Set(['id', 'meta', 'resourceType']);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => !SKIP.has(k));
  return ka.every((k) => deepEqual((a as Obj)[k], (b as Obj)[k]));
}

/** What tells an array entry apart: an extension's url, an identifier's or coding's system, a sequence. */
function identity(x: unknown): string | null {
  if (!isObj(x)) return null;
  if (typeof x.url === 'string') return `url:${x.url}`;
  if (typeof x.sequence === 'number') return `seq:${x.sequence}`;
  if (typeof x.itemSequence === 'number') return `iseq:${x.itemSequence}`;
  if (typeof x.system === 'string') return `sys:${x.system}`;
  return null;
}

function leaves(a: unknown, path: string, f: (path: string, v: unknown) => void): void {
  if (Array.isArray(a)) a.forEach((x, i) => leaves(x, `${path}[${i}]`, f));
  else if (isObj(a)) {
    for (const k of Object.keys(a)) if (!SKIP.has(k)) leaves(a[k], `${path}.${k}`, f);
  } else f(path, a);
}

/** How many leaves of `a` `b` has equal at the same place. */
function shared(a: unknown, b: unknown): number {
  if (typeof a !== 'object' || a === null) return a === b ? 1 : 0;
  if (typeof b !== 'object' || b === null) return 0;
  let n = 0;
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return 0;
    for (let i = 0; i < a.length; i++) n += shared(a[i], b[i]);
    return n;
  }
  for (const k of Object.keys(a)) {
    if (SKIP.has(k) || k === 'sequence') continue;
    // References are renamed on the way back: two references count as alike.
    if (k === 'reference' && typeof (a as Obj)[k] === 'string' && typeof (b as Obj)[k] === 'string') n++;
    else n += shared((a as Obj)[k], (b as Obj)[k]);
  }
  return n;
}

/** The elements of `a` that `b` does not give again (`b` a subset-or-more of `a` is no difference). */
export function jsonDifferences(a: unknown, b: unknown, path: string, out: Array<{ path: string; original: unknown; again: unknown }>, refs?: RefPair): void {
  if (a === b) return;
  // A reference names the same thing when it names the resource paired with the original's target.
  if (refs !== undefined && typeof a === 'string' && typeof b === 'string' && path.endsWith('.reference') && refs.same(a, b)) return;
  if (typeof a !== 'object' || a === null) {
    // A number written back as the same decimal is the same value.
    if (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9) return;
    out.push({ path, original: a, again: b });
    return;
  }
  if (b === undefined || b === null || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    // Each leaf of what is missing, so a finding naming any part of it can be told apart.
    leaves(a, path, (p, v) => out.push({ path: p, original: v, again: undefined }));
    return;
  }
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    const used = new Array<boolean>(bb.length).fill(false);
    const pending: number[] = [];
    a.forEach((x, i) => {
      const j = bb.findIndex((y, k) => !used[k] && deepEqual(x, y));
      if (j >= 0) used[j] = true;
      else pending.push(i);
    });
    // Pairs by how many leaves they share (best pairs first); ties: the same identity, then the same place.
    const pairs: Array<[score: number, i: number, j: number]> = [];
    for (const i of pending) {
      const id = identity(a[i]);
      bb.forEach((y, k) => {
        if (!used[k]) pairs.push([shared(a[i], y) * 4 + (id !== null && identity(y) === id ? 2 : 0) + (k === i ? 1 : 0), i, k]);
      });
    }
    pairs.sort((p, q) => q[0] - p[0] || p[1] - q[1] || p[2] - q[2]);
    const partner = new Map<number, number>();
    for (const [, i, j] of pairs) {
      if (partner.has(i) || used[j]) continue;
      partner.set(i, j);
      used[j] = true;
    }
    for (const i of pending) {
      const j = partner.get(i);
      if (j === undefined) leaves(a[i], `${path}[${i}]`, (p, v) => out.push({ path: p, original: v, again: undefined }));
      else jsonDifferences(a[i], bb[j], `${path}[${i}]`, out, refs);
    }
    return;
  }
  for (const k of Object.keys(a)) {
    if (SKIP.has(k)) continue;
    jsonDifferences((a as Obj)[k], (b as Obj)[k], `${path}.${k}`, out, refs);
  }
}

/** Whether two references (one in each bundle) name resources of one role. */
export interface RefPair {
  same(a: string, b: string): boolean;
}

function resolver(bundle: Obj): (ref: string) => Obj | undefined {
  const m = new Map<string, Obj>();
  for (const e of Array.isArray(bundle.entry) ? (bundle.entry as Array<{ fullUrl?: unknown; resource?: Obj }>) : []) {
    const r = e?.resource;
    if (r === undefined) continue;
    if (typeof e.fullUrl === 'string') m.set(e.fullUrl, r);
    if (typeof r.id === 'string') m.set(`${String(r.resourceType)}/${r.id}`, r);
  }
  return (ref) => m.get(ref) ?? m.get(ref.split('/').slice(-2).join('/'));
}

/** Resources of a bundle by role, for pairing an original with its way back. */
function rolesOf(bundle: Obj, response: boolean): Map<string, Obj> {
  const m = new Map<string, Obj>();
  const put = (k: string, r: Obj | null | undefined): void => {
    if (r !== null && r !== undefined && !m.has(k)) m.set(k, r);
  };
  if (response) {
    const { source } = disassembleResponse(bundle);
    if (source === null) return m;
    put('main', source.claimResponse);
    put('insurer', source.insurer);
    put('requester', source.requester);
    put('subscriber', source.subscriber);
    put('dependent', source.dependent);
    source.items.forEach((d, i) => {
      put(`service${i}`, d.service);
      d.providers.forEach((p, k) => put(`provider${i}.${k}`, p.resource));
    });
    source.requests.forEach((r, i) => put(`request${i}`, r.resource));
    return m;
  }
  const { source } = disassembleRequest(bundle);
  if (source === null) return m;
  put('main', source.claim);
  put('insurer', source.insurer);
  put('requester', source.requester);
  put('subscriber', source.subscriber);
  put('dependent', source.dependent);
  put('coverage', source.coverage);
  put('encounter', source.encounter);
  source.items.forEach((it, i) => put(`service${i}`, it.service));
  source.providers.forEach((p, i) => put(`provider${i}`, p.resource));
  return m;
}

/** Where a resource (or the resource a copy was made from, matched by type and id) sits in the bundle. */
function entryIndex(bundle: Obj, r: Obj): number {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Array<{ resource?: Obj }>) : [];
  const i = entries.findIndex((e) => e?.resource === r);
  if (i >= 0) return i;
  return entries.findIndex((e) => e?.resource?.resourceType === r.resourceType && e?.resource?.id === r.id && r.id !== undefined);
}

/** The differences between an original bundle and the one read back, by the original's paths. */
export function bundleDifferences(original: Obj, again: Obj, response: boolean): Array<{ path: string; original: unknown; again: unknown }> {
  const out: Array<{ path: string; original: unknown; again: unknown }> = [];
  const top = (b: Obj): Obj => Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'entry' && !SKIP.has(k)));
  jsonDifferences(top(original), top(again), 'Bundle', out);

  const a = rolesOf(original, response);
  const b = rolesOf(again, response);
  const ra = resolver(original);
  const rb = resolver(again);
  const rolesFor = (m: Map<string, Obj>, r: Obj | undefined): string[] => {
    if (r === undefined) return [];
    const keys: string[] = [];
    for (const [k, v] of m) if (v === r || (v.resourceType === r.resourceType && v.id === r.id && r.id !== undefined)) keys.push(k);
    return keys;
  };
  const refs: RefPair = {
    same(x, y) {
      const tx = ra(x);
      const ty = rb(y);
      if (tx === undefined || ty === undefined) return false;
      const kx = rolesFor(a, tx);
      if (kx.length === 0) return tx.resourceType === ty.resourceType;
      const ky = rolesFor(b, ty);
      return kx.some((k) => ky.includes(k));
    },
  };
  const paired = new Set<number>();
  for (const [role, r] of a) {
    const i = entryIndex(original, r);
    if (i < 0 || paired.has(i)) continue;
    paired.add(i);
    const real = (original.entry as Array<{ resource: Obj }>)[i]!.resource;
    // A requested service: the resource itself, not the writer's view of it (a DeviceRequest shown as a
    // ServiceRequest); parties stay views (a practitioner with its role's telecom).
    const seen = b.get(role);
    const j = seen !== undefined && role.startsWith('service') ? entryIndex(again, seen) : -1;
    const other = j >= 0 ? (again.entry as Array<{ resource: Obj }>)[j]!.resource : seen;
    const path = `Bundle.entry[${i}].resource`;
    if (other === undefined) leaves(real, path, (p, v) => out.push({ path: p, original: v, again: undefined }));
    else {
      // A resource that comes back as another kind (a DeviceRequest as a ServiceRequest) is a difference.
      if (other.resourceType !== real.resourceType) out.push({ path: `${path}.resourceType`, original: real.resourceType, again: other.resourceType });
      jsonDifferences(real, other, path, out, refs);
    }
  }
  return out;
}

/** A PAS bundle there and back (see the module comment). Never throws on a bundle of any shape. */
export function fhirRoundTrip(bundle: Bundle | Obj, options: { pasVersion?: PasVersion; request?: Bundle | Obj } = {}): FhirRoundTripResult {
  const b = bundle as Obj;
  const pasVersion = options.pasVersion ?? pasVersionOf(b);
  const response = isResponseBundle(b);
  const kind = response ? 'response' : 'request';
  const fixed = { now: () => new Date(0), controlNumbers: new MemoryControlNumbers() };
  let x12 = '';
  let findings: FhirFinding[];
  if (response) {
    const w = responseBundleToX12(b, { ...fixed, ...(options.request !== undefined ? { request: options.request } : {}) });
    findings = w.findings;
    x12 = w.text ?? '';
  } else {
    const w = bundlesToRequestX12([b], fixed);
    findings = w.outcomes[0]?.findings ?? [];
    x12 = w.text;
  }
  if (x12 === '') return { kind, pasVersion, x12, status: 'not converted', findings, differences: [], again: null };
  const txs = readX12Buffer(Buffer.from(x12, 'latin1')).flatMap((e) => (e.kind === 'transaction' ? [e.transaction] : []));
  const tx = txs[0];
  let again: Obj | null = null;
  if (tx !== undefined) {
    if (!response) again = requestToBundle(tx, { pasVersion }).bundle as unknown as Obj | null;
    else if (tx.implementation === '005010X215') again = inquiryResponseToBundle(tx, { pasVersion }).bundle as unknown as Obj | null;
    else again = responseToBundle(tx, { pasVersion, ...(options.request !== undefined ? { request: options.request as Bundle } : {}) }).bundle as unknown as Obj | null;
  }
  if (again === null) return { kind, pasVersion, x12, status: 'not converted', findings: [...findings, { severity: 'error', code: 'NOT_READ_BACK', message: 'the 278 written could not be read back' }], differences: [], again: null };
  const paths = findings.flatMap((f) => (f.path !== undefined ? [f.path] : []));
  const differences = bundleDifferences(b, again, response).map((d) => ({ ...d, named: paths.some((p) => names(p, d.path)) }));
  return { kind, pasVersion, x12, status: differences.length === 0 ? 'same' : 'different', findings, differences, again };
}
