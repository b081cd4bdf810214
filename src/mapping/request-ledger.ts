/**
 * The request writer's acceptance of the parties (identifiers X12 requires, party-ids.ts) and
 * its ledger report: what the writer's own code carries (references followed, the items' order,
 * the Claim's fixed status and use, extensions it handles) is marked here, the rows mark what
 * they write (write-rows.ts), and every other element reachable from the Claim is reported.
 */
import { OTHER_EXTENSION, PAS_EXTENSION } from '../pas/constants.js';
import type { RequestSource, SourceProvider } from './disassemble.js';
import type { Ledger, Unconsumed } from './ledger.js';
import { memberId, writableParty } from './party-ids.js';
import { RESIDUE_EXTENSION } from './residue.js';
import type { WriteFinding } from './bundle-to-request.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `Bundle.entry[i].resource` of a resource of the bundle (its original, when the writer holds a copy). */
export function entryPath(bundle: Obj, res: Obj | null, ledger: Ledger): string {
  if (res === null) return 'Bundle';
  const real = ledger.originOf(res);
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  const i = entries.findIndex((e) => isObj(e) && e.resource === real);
  return i < 0 ? String(res.resourceType ?? 'Bundle') : `Bundle.entry[${i}].resource`;
}

function label(res: Obj | null): string {
  return res === null ? '' : `${String(res.resourceType)}${typeof res.id === 'string' ? `/${res.id}` : ''}`;
}

/** The source with its parties' identifiers made writable (see party-ids.ts); findings added. */
export function acceptParties(source: RequestSource, ledger: Ledger, findings: WriteFinding[]): RequestSource {
  const b = source.bundle;
  const add = (fs: ReadonlyArray<{ severity: 'error' | 'warning'; code: WriteFinding['code']; message: string; path: string }>): void => {
    for (const f of fs) findings.push(f);
  };
  let insurer = source.insurer;
  if (insurer !== null) {
    const r = writableParty(insurer, entryPath(b, insurer, ledger), `Claim.insurer (${label(insurer)})`, 'umo', ledger);
    add(r.findings);
    insurer = r.resource;
  }
  let requester = source.requester;
  if (requester !== null) {
    const r = writableParty(requester, entryPath(b, requester, ledger), `Claim.provider (${label(requester)})`, 'requester', ledger);
    add(r.findings);
    requester = r.resource;
  }
  const providers: SourceProvider[] = source.providers.map((p, i) => {
    const r = writableParty(p.resource, entryPath(b, p.resource, ledger), `Claim.careTeam[${i}].provider (${label(p.resource)})`, 'optional', ledger);
    add(r.findings);
    return r.resource === p.resource ? p : { ...p, resource: r.resource };
  });
  const m = memberId(source.coverage, entryPath(b, source.coverage, ledger), source.subscriber, entryPath(b, source.subscriber, ledger), ledger);
  add(m.findings);
  return { ...source, insurer, requester, providers, coverage: m.coverage };
}

/** Extensions the writer's code reads (disassemble.ts, the residue). */
const HANDLED = new Set<string>([PAS_EXTENSION.transmissionIdentifiers, PAS_EXTENSION.infoChanged, PAS_EXTENSION.infoCancelled, OTHER_EXTENSION.claimEncounter, RESIDUE_EXTENSION]);

/** Marks what the writer's code carries, then names every element of the bundle left. */
export function requestUnconsumed(source: RequestSource, ledger: Ledger, itemsWritten: boolean): Unconsumed[] {
  const claim = ledger.originOf(source.claim);
  // Values the reader makes again from the 278 itself: a Claim is an active preauthorization.
  if (claim.status === 'active') ledger.key(claim, 'status');
  if (claim.use === 'preauthorization') ledger.key(claim, 'use');
  for (const x of [...((claim.extension as unknown[] | undefined) ?? []), ...((claim.modifierExtension as unknown[] | undefined) ?? [])]) if (isObj(x) && HANDLED.has(x.url as string)) ledger.all(x);
  const insurance = Array.isArray(claim.insurance) ? (claim.insurance as unknown[]).filter(isObj) : [];
  const focal = insurance.find((i) => i.focal === true) ?? insurance[0];
  if (focal !== undefined && source.coverage !== null) {
    ledger.key(focal, 'focal');
    ledger.key(focal, 'sequence');
  }
  // The Coverage's ties the 278's levels say by structure: whose it is, which payer, active, self.
  const coverage = source.coverage !== null ? ledger.originOf(source.coverage) : null;
  if (coverage !== null) {
    if (isObj(coverage.beneficiary)) ledger.all(coverage.beneficiary);
    if (isObj(coverage.subscriber)) ledger.all(coverage.subscriber);
    if (Array.isArray(coverage.payor) && coverage.payor.length === 1) ledger.all(coverage.payor);
    if (coverage.status === 'active') ledger.key(coverage, 'status');
    const rel = isObj(coverage.relationship) && Array.isArray(coverage.relationship.coding) ? (coverage.relationship.coding as unknown[]) : [];
    if (source.dependent === null && rel.length > 0 && rel.every((c) => isObj(c) && c.code === 'self')) ledger.all(coverage.relationship);
  }
  // The items sent, in their order (2000F order is the sequence); their handled extensions.
  for (const it of source.items) {
    const item = ledger.originOf(it.item);
    if (itemsWritten || source.items.length === 1) ledger.key(item, 'sequence');
    for (const x of [...((item.extension as unknown[] | undefined) ?? []), ...((item.modifierExtension as unknown[] | undefined) ?? [])]) if (isObj(x) && HANDLED.has(x.url as string)) ledger.all(x);
  }
  // Care team members written as providers: their place in the team.
  for (const p of source.providers) {
    ledger.key(p.careTeam, 'sequence');
  }
  return ledger.unconsumed(source.bundle, [claim]);
}
