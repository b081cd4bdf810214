import { isObj } from '../mapping/engine/obj.js';
/** What the gateway reads off a PAS bundle before translating it: its identifier and submitter. */
type Obj = Record<string, unknown>;

/** The entries' resources. */
function resources(bundle: Obj): Obj[] {
  return Array.isArray(bundle.entry) ? (bundle.entry as unknown[]).filter(isObj).map((e) => e.resource).filter(isObj) : [];
}

/** Bundle.identifier.value (PAS: the submitter's id of this submission), or null. */
export function bundleIdentifier(bundle: Obj): string | null {
  const id = bundle.identifier;
  return isObj(id) && typeof id.value === 'string' && id.value !== '' ? id.value : null;
}

/** The resource a reference names inside the bundle (by fullUrl or Type/id). */
function resolve(bundle: Obj, ref: unknown): Obj | null {
  if (!isObj(ref) || typeof ref.reference !== 'string') return null;
  const r = ref.reference;
  for (const e of Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : []) {
    if (!isObj(e) || !isObj(e.resource)) continue;
    const res = e.resource;
    if (e.fullUrl === r || `${String(res.resourceType)}/${String(res.id)}` === r || (typeof e.fullUrl === 'string' && e.fullUrl.endsWith(`/${r}`))) return res;
  }
  return null;
}

/**
 * Who submits: the requester's (Claim.provider's) first identifier value, else its reference.
 * (When clients authenticate, the client id is the submitter instead; see auth.required.)
 */
export function submitterOf(bundle: Obj): string {
  const claim = resources(bundle)[0];
  if (claim === undefined) return 'unknown';
  const provider = resolve(bundle, claim.provider);
  const ids = provider !== null && Array.isArray(provider.identifier) ? (provider.identifier as unknown[]).filter(isObj) : [];
  const value = ids.map((i) => i.value).find((v): v is string => typeof v === 'string' && v !== '');
  if (value !== undefined) return value;
  return isObj(claim.provider) && typeof claim.provider.reference === 'string' ? claim.provider.reference : 'unknown';
}

/** Claim.identifier values (the requester's trace numbers, PAS inquiries' references). */
export function claimIdentifiers(bundle: Obj): string[] {
  const claim = resources(bundle)[0];
  if (claim === undefined || !Array.isArray(claim.identifier)) return [];
  return (claim.identifier as unknown[]).filter(isObj).map((i) => i.value).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** The first entry's resource type, or null. */
export function firstResourceType(bundle: Obj): string | null {
  const r = resources(bundle)[0];
  return r !== undefined && typeof r.resourceType === 'string' ? r.resourceType : null;
}
