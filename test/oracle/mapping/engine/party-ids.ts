// Oracle: src/mapping/engine/party-ids.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * The identifiers X12 requires of the parties of a 278 (the UMO's 2010A NM108/NM109, the
 * requester's 2010B NM108/NM109, the member id of 2010C), taken from every place PAS 2.2.1 and
 * 2.0.1 allow, in a fixed order of preference (docs/mapping-tables.md, "What a PAS intermediary
 * accepts"). A value X12 cannot hold under its kind (an NPI that fails its check digit, which US
 * Core's us-core-17 also forbids) is left out and reported; a party left with no identifier X12
 * can carry is refused, naming the FHIR element to fill. The caller's resources are not changed:
 * a party that needs another form is a shallow copy (recorded in the ledger).
 */
import { SYSTEM } from '../../../../src/pas/constants.js';
import { npiCheck } from '../../../../src/mapping/engine/codecs/index.js';
import type { Ledger } from './ledger.js';
import { isObj } from '../../../../src/mapping/engine/obj.js';

type Obj = Record<string, unknown>;

export interface PartyFinding {
  readonly severity: 'error' | 'warning';
  /** INVALID_IDENTIFIER: a value left out (warning); MISSING_IDENTIFIER: X12 requires one the bundle lacks (error); DEFAULTED: an identifier taken from a less direct place. */
  readonly code: 'INVALID_IDENTIFIER' | 'MISSING_IDENTIFIER' | 'DEFAULTED';
  readonly message: string;
  /** The FHIR element concerned (its path in the bundle, or the element to fill). */
  readonly path: string;
}

const NPI_SYSTEM = SYSTEM.npi;
const EIN_SYSTEM = 'urn:oid:2.16.840.1.113883.4.4';
const SSN_SYSTEM = 'http://hl7.org/fhir/sid/us-ssn';
const ETIN_SYSTEM = 'urn:x12pas:etin';
const V2_0203 = SYSTEM.v2IdentifierType;
const MEMBER_SYSTEM = 'urn:x12pas:member-id';
/** X12 element 66 (NM108): an identifier typed with an NM108 code of this system is written with that qualifier (mappings/request/other-ids.json). */
const X12_ID_QUALIFIER = 'https://codesystem.x12.org/005010/66';


/** The v2-0203 (or any) type codes of an identifier. */
function typeCodes(id: Obj): string[] {
  const t = id.type;
  if (!isObj(t) || !Array.isArray(t.coding)) return [];
  return (t.coding as unknown[]).flatMap((c) => (isObj(c) && typeof c.code === 'string' ? [c.code] : []));
}

function valueOf(id: unknown): string | null {
  return isObj(id) && typeof id.value === 'string' && id.value.trim() !== '' ? id.value : null;
}

/** Whether an identifier's type names its NM108 qualifier in the X12 system. */
function x12Typed(id: Obj): boolean {
  const t = id.type;
  return isObj(t) && Array.isArray(t.coding) && (t.coding as unknown[]).some((c) => isObj(c) && c.system === X12_ID_QUALIFIER && typeof c.code === 'string');
}

/** Identifier kinds a 2010A / 2010B NM108 carries, as the rows name them. */
function kindOf(id: Obj): 'npi' | 'payer' | 'ein' | 'ssn' | 'etin' | 'member' | 'record' | 'x12' | null {
  const sys = typeof id.system === 'string' ? id.system : '';
  // Typed with its NM108 (other-ids.json): written with that qualifier, whatever the code (a requester's PI is not a payer id).
  if (x12Typed(id)) return 'x12';
  const types = typeCodes(id);
  if (sys === NPI_SYSTEM || types.includes('NPI')) return 'npi';
  if (types.includes('NIIP') || types.includes('PI')) return 'payer';
  if (sys === EIN_SYSTEM || types.includes('TAX') || types.includes('EN')) return 'ein';
  if (sys === SSN_SYSTEM || types.includes('SS') || types.includes('SB')) return 'ssn';
  if (sys === ETIN_SYSTEM) return 'etin';
  if (types.includes('MB') || types.includes('SN') || sys === MEMBER_SYSTEM) return 'member';
  if (types.includes('MR')) return 'record';
  return null;
}

export interface PartyIds {
  /** The party as the rows should read it (a copy when something was left out or typed). */
  readonly resource: Obj;
  readonly findings: PartyFinding[];
}

/**
 * A party's identifiers made writable: NPIs failing their check left out (reported). For a
 * `required` party (the UMO, the requester), no identifier of a kind its NM108 carries is an
 * error naming `what`'s identifier; the UMO may take an untyped identifier as its payer id
 * (reported DEFAULTED), as a payer's own identifier of no known system is what PI carries.
 */
export function writableParty(res: Obj, path: string, what: string, need: 'umo' | 'requester' | 'optional', ledger: Ledger | undefined): PartyIds {
  const findings: PartyFinding[] = [];
  const ids = Array.isArray(res.identifier) ? (res.identifier as unknown[]) : [];
  let kept: unknown[] | null = null;
  ids.forEach((id, i) => {
    if (!isObj(id)) return;
    const v = valueOf(id);
    if (v !== null && kindOf(id) === 'npi' && !npiCheck(v)) {
      kept ??= ids.slice(0, i);
      findings.push({ severity: 'warning', code: 'INVALID_IDENTIFIER', path: `${path}.identifier[${i}]`, message: `${what} identifier[${i}]: ${JSON.stringify(v)} is not an NPI (US Core us-core-16: ten digits; us-core-17: a valid check digit): not written` });
      return;
    }
    if (kept !== null) kept.push(id);
  });
  let out: Obj = kept !== null ? { ...res, identifier: kept } : res;
  const list = (kept ?? ids).filter(isObj);
  const carried = (k: ReturnType<typeof kindOf>): boolean => (need === 'umo' ? ['npi', 'payer', 'ein', 'etin', 'x12'] : ['npi', 'ein', 'ssn', 'etin', 'x12']).includes(k ?? '');
  if (need !== 'optional' && !list.some((id) => valueOf(id) !== null && carried(kindOf(id)))) {
    // The UMO: an identifier of no known kind is its payer id.
    const at = need === 'umo' ? list.findIndex((id) => valueOf(id) !== null && kindOf(id) === null) : -1;
    if (at >= 0) {
      const id = list[at]!;
      const typed = { ...id, type: { coding: [{ system: V2_0203, code: 'NIIP' }] } };
      ledger?.copyOf(typed, id);
      const copy = list.slice();
      copy[at] = typed;
      out = { ...res, identifier: copy };
      const i = ids.indexOf(id);
      findings.push({ severity: 'warning', code: 'DEFAULTED', path: `${path}.identifier[${i}].type`, message: `${what} identifier[${i}] (${typeof id.system === 'string' ? id.system : 'no system'} ${JSON.stringify(valueOf(id))}) has no type: written as the payer id (NM108 PI)` });
    } else {
      const kinds = need === 'umo' ? 'a payer id (type NIIP), a valid NPI or a TIN' : 'a valid NPI, a TIN or an SSN';
      findings.push({ severity: 'error', code: 'MISSING_IDENTIFIER', path: `${path}.identifier`, message: `${what}: X12 requires its identifier (${need === 'umo' ? '2010A' : '2010B'} NM108/NM109) and the bundle gives none it can carry: add ${kinds} to ${what}.identifier` });
    }
  }
  if (out !== res) ledger?.copyOf(out, res);
  return { resource: out, findings };
}

export interface MemberId {
  /** The Coverage as the member-id row reads it (a copy whose MB identifier holds the value chosen). */
  readonly coverage: Obj | null;
  readonly findings: PartyFinding[];
}

/**
 * The member id (2010C NM109, NM108 MI), in this order: Coverage.identifier typed MB;
 * Coverage.subscriberId; a Coverage.identifier without a type; the subscriber's
 * Patient.identifier typed MB, then one without a type of no known kind, then typed MR. Taken
 * from anywhere but the first, it is reported (DEFAULTED, naming the place); with none, the
 * bundle is refused naming Coverage.identifier.
 */
export function memberId(coverage: Obj | null, coveragePath: string, subscriber: Obj | null, subscriberPath: string, ledger: Ledger | undefined): MemberId {
  const findings: PartyFinding[] = [];
  const covIds = coverage !== null && Array.isArray(coverage.identifier) ? (coverage.identifier as unknown[]) : [];
  // A member id, or an identifier typed with its own NM108 (II, ZZ: other-ids.json writes it as it is).
  const typedAt = covIds.findIndex((id) => isObj(id) && (kindOf(id) === 'member' || kindOf(id) === 'x12') && valueOf(id) !== null);
  if (typedAt >= 0) {
    if (coverage !== null && coverage.subscriberId === valueOf(covIds[typedAt])) ledger?.key(coverage, 'subscriberId');
    return { coverage, findings };
  }
  const candidates: Array<[value: string, path: string, mark: () => void]> = [];
  if (coverage !== null && typeof coverage.subscriberId === 'string' && coverage.subscriberId.trim() !== '') {
    const c = coverage;
    candidates.push([coverage.subscriberId, `${coveragePath}.subscriberId`, () => ledger?.key(c, 'subscriberId')]);
  }
  covIds.forEach((id, i) => {
    if (isObj(id) && valueOf(id) !== null && typeCodes(id).length === 0 && kindOf(id) === null) candidates.push([valueOf(id)!, `${coveragePath}.identifier[${i}]`, () => ledger?.key(id, 'value')]);
  });
  const patIds = subscriber !== null && Array.isArray(subscriber.identifier) ? (subscriber.identifier as unknown[]) : [];
  for (const want of ['member', null, 'record'] as const) {
    patIds.forEach((id, i) => {
      if (!isObj(id) || valueOf(id) === null || kindOf(id) !== want || (want === null && typeCodes(id).length > 0)) return;
      candidates.push([valueOf(id)!, `${subscriberPath}.identifier[${i}]`, () => ledger?.key(id, 'value')]);
    });
  }
  const pick = candidates[0];
  if (pick === undefined) {
    findings.push({ severity: 'error', code: 'MISSING_IDENTIFIER', path: `${coveragePath}.identifier`, message: `the member id (2010C NM109, required by X12) is not in the bundle: give Coverage.identifier (type MB) or Coverage.subscriberId` });
    return { coverage, findings };
  }
  const [value, from, mark] = pick;
  mark();
  // The identifier the member-id row reads: an MB entry with the value (an MB entry without a value is filled).
  const emptyAt = covIds.findIndex((id) => isObj(id) && kindOf(id) === 'member');
  const mb = { ...(emptyAt >= 0 ? (covIds[emptyAt] as Obj) : {}), type: { coding: [{ system: V2_0203, code: 'MB' }] }, value };
  if (emptyAt >= 0) {
    ledger?.copyOf(mb, covIds[emptyAt] as Obj);
    ledger?.all((covIds[emptyAt] as Obj).type);
  }
  const ids = emptyAt >= 0 ? covIds.map((x, i) => (i === emptyAt ? mb : x)) : [mb, ...covIds];
  const copy: Obj = { ...(coverage ?? { resourceType: 'Coverage' }), identifier: ids };
  if (coverage !== null) ledger?.copyOf(copy, coverage);
  {
    findings.push({ severity: 'warning', code: 'DEFAULTED', path: from, message: `the member id (2010C NM109) is taken from ${from} (${JSON.stringify(value)}): ${from.endsWith('subscriberId') ? 'Coverage.identifier has no member id' : 'the Coverage gives none'}; it comes back as Coverage.identifier (type MB)` });
  }
  return { coverage: copy, findings };
}
