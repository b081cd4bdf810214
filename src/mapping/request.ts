import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Claim, Coverage, Encounter, Organization, Patient, Practitioner, PractitionerRole, Resource, ServiceRequest } from '@medplum/fhirtypes';
import type { LoopNode } from '../grammar/index.js';
import { OTHER_EXTENSION, PAS_EXTENSION, PAS_PROFILE, SYSTEM } from '../pas/constants.js';
import type { PasVersion } from '../pas/versions.js';
import { analyzeTransaction } from '../grammar/validate.js';
import type { TransactionSet } from '../x12/index.js';
import { copy } from './path.js';
import { ROLE, ROLES, requestTablesCompiled, type CompiledTables, type ReadTarget } from './table.js';

/** What the mapping found: an X12 place no row read, or a value a codec could not read. */
export interface MappingFinding {
  readonly severity: 'error' | 'warning';
  /** UNMAPPED_SEGMENT: no element of the segment was read; UNMAPPED_ELEMENT: this element was not; INVALID_VALUE: a codec refused it; NO_TREE: the set has no loop tree. */
  readonly code: 'UNMAPPED_SEGMENT' | 'UNMAPPED_ELEMENT' | 'INVALID_VALUE' | 'NO_TREE';
  /** Loop path, e.g. `2000A/2000B/2000C/2000E`. */
  readonly loop: string;
  /** Segment use as the grammar names it (`DTP*435`, `NM1`), or the segment id when it fills no grammar row. */
  readonly segment: string;
  /** 1-based position of the segment in the transaction set (ST = 1). */
  readonly position: number;
  readonly element?: number;
  readonly message: string;
}

export interface RequestOptions {
  pasVersion: PasVersion;
  /** Tables to use (default: mappings/request/, compiled once). */
  tables?: CompiledTables;
}

export interface RequestResult {
  /** Null when the transaction has no loop tree (not a whole, well-formed 278 request). */
  readonly bundle: Bundle | null;
  readonly findings: MappingFinding[];
}

type Obj = Record<string, unknown>;

/**
 * UUIDs (version 5 layout) from one SHA-1 of the transaction's identity (ISA06, ISA13, GS06,
 * ST02): the same transaction gives the same ids. Entry `n` differs from the base in its last byte
 * pair, so one hash serves every entry of the bundle.
 */
function stableUuids(seed: string): (n: number) => string {
  const h = createHash('sha1').update(seed).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  const head = `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 28)}`;
  const tail = parseInt(x.slice(28, 32), 16);
  return (n) => head + ((tail ^ n) & 0xffff).toString(16).padStart(4, '0');
}

/** Fields of the 2000E template an item lacks (extensions merged by url). */
function inherit(item: Obj, template: Obj): void {
  for (const [k, v] of Object.entries(template)) {
    if (k === 'extension' && Array.isArray(v)) {
      const own = (item.extension as Obj[] | undefined) ?? [];
      const urls = new Set(own.map((e) => e.url));
      const add = (v as Obj[]).filter((e) => !urls.has(e.url)).map((e) => copy(e));
      if (add.length > 0) item.extension = [...own, ...add];
    } else if (item[k] === undefined) item[k] = copy(v);
  }
}

/**
 * An X217 278 request -> a PAS Request Bundle. Every element of the transaction is read by a row
 * of `mappings/request/`, or by the assembler (envelope, structure), or reported in `findings`.
 */
export function requestToBundle(tx: TransactionSet, options: RequestOptions): RequestResult {
  const findings: MappingFinding[] = [];
  const { tree } = analyzeTransaction(tx);
  if (tree === null) {
    findings.push({ severity: 'error', code: 'NO_TREE', loop: '', segment: 'ST', position: 1, message: 'the transaction set has no 278 loop tree (not whole, or no grammar fits)' });
    return { bundle: null, findings };
  }
  const tables = options.tables ?? requestTablesCompiled();
  const plans = tables.plans;
  const compSep = String.fromCharCode(tx.interchange.delimiters.component);

  const roles: Array<Obj | null> = ROLES.map(() => ({}));
  for (const r of [ROLE.Item, ROLE.Service, ROLE.CareTeam, ROLE.Provider]) roles[r] = null;
  const items: Obj[] = [];
  /** Each item's requested service (HSD): becomes a ServiceRequest when a row wrote into it. */
  const services = new Map<Obj, Obj>();
  const providers: Provider[] = [];
  let template: Obj | null = null;
  let templateService: Obj = {};
  let sawDependent = false;
  let here = { loop: '', segment: '', position: 0 };
  const target: ReadTarget = {
    roles,
    invalid(rowId, element, why) {
      findings.push({ severity: 'error', code: 'INVALID_VALUE', ...here, element, message: `${here.loop || 'header'} ${here.segment} element ${element} (segment ${here.position}, row ${rowId}): ${why}` });
    },
  };

  const visit = (node: LoopNode): void => {
    const before = [ROLE.Item, ROLE.Service, ROLE.CareTeam, ROLE.Provider].map((r) => [r, roles[r] ?? null] as const);
    if (node.id === '2000F') {
      const item: Obj = {};
      const service: Obj = {};
      items.push(item);
      services.set(item, service);
      roles[ROLE.Item] = item;
      roles[ROLE.Service] = service;
    } else if (node.id === '2000E') {
      template = {};
      templateService = {};
      roles[ROLE.Item] = template;
      roles[ROLE.Service] = templateService;
    } else if (node.id === '2010EA') {
      // One event provider: a Claim.careTeam entry (claim scope) and the resource it names.
      const p: Provider = { careTeam: {}, resource: {} };
      providers.push(p);
      roles[ROLE.CareTeam] = p.careTeam;
      roles[ROLE.Provider] = p.resource;
    } else if (node.id === '2000D') sawDependent = true;
    const loopPath = node.path;
    for (const s of node.segments) {
      const seg = s.segment;
      const id = seg.id;
      if (id === 'HL' || id === 'ST' || id === 'SE') continue; // structure and envelope
      const name = s.row?.name ?? id;
      here = { loop: loopPath, segment: name, position: s.position };
      const plan = s.row === null ? undefined : plans.get(s.row);
      const els = seg.elements();
      let mask = plan?.consumed ?? 0;
      const keyMask = s.row?.key ? 1 << s.row.key.element : 0;
      if (plan !== undefined) for (const r of plan.readers) mask |= r(els, compSep, target);
      if ((mask & ~keyMask) === 0) {
        findings.push({ severity: 'warning', code: 'UNMAPPED_SEGMENT', ...here, message: `${loopPath || 'header'} ${name} (segment ${s.position}): no row reads it` });
        continue;
      }
      for (let e = 1; e < els.length; e++) {
        if (els[e] !== '' && (mask & (1 << e)) === 0) {
          findings.push({ severity: 'warning', code: 'UNMAPPED_ELEMENT', ...here, element: e, message: `${loopPath || 'header'} ${id}${String(e).padStart(2, '0')} (segment ${s.position}): no row reads it` });
        }
      }
    }
    for (const c of node.children) visit(c);
    if (node.id === '2000E' && template !== null) {
      if (items.length === 0) {
        items.push(template);
        services.set(template, templateService);
      } else
        for (const it of items) {
          inherit(it, template);
          inherit(services.get(it)!, templateService);
        }
    }
    for (const [r, v] of before) roles[r] = v;
  };
  visit(tree.root);

  return { bundle: assemble(tx, { roles, items, services, providers, sawDependent }, options.pasVersion), findings };
}

/** An event provider (2010EA): its Claim.careTeam fields and the Practitioner or Organization it names. */
interface Provider {
  readonly careTeam: Obj;
  readonly resource: Obj;
}

interface Read {
  readonly roles: Array<Obj | null>;
  readonly items: Obj[];
  readonly services: ReadonlyMap<Obj, Obj>;
  readonly providers: readonly Provider[];
  readonly sawDependent: boolean;
}

function assemble(tx: TransactionSet, { roles, items, services, providers, sawDependent }: Read, pasVersion: PasVersion): Bundle {
  const ic = tx.interchange;
  const uuid = stableUuids(`${ic.sender}|${ic.control}|${tx.group?.control ?? ''}|${tx.control}`);
  const entryOf = (n: number): { id: string; ref: string } => {
    const id = uuid(n);
    return { id, ref: `urn:uuid:${id}` };
  };
  const role = (i: number): Obj => roles[i] ?? {};

  const claimId = entryOf(1);
  const insurerId = entryOf(2);
  const requesterId = entryOf(3);
  const roleId = entryOf(4);
  const subscriberId = entryOf(5);
  const dependentId = entryOf(6);
  const coverageId = entryOf(7);
  const patientId = sawDependent ? dependentId : subscriberId;

  // active: PASInsurer and PASRequestor require it; a 278 names only organizations in business.
  const insurer = { ...role(ROLE.Insurer), resourceType: 'Organization', id: insurerId.id, meta: { profile: [PAS_PROFILE.insurer] }, active: true } as Organization;
  const req = role(ROLE.Requester);
  const requesterIsPerson = req.resourceType === 'Practitioner';
  const requester = requesterIsPerson
    ? ({ ...req, resourceType: 'Practitioner', id: requesterId.id, meta: { profile: [PAS_PROFILE.practitioner] } } as Practitioner)
    : ({ ...req, resourceType: 'Organization', id: requesterId.id, meta: { profile: [PAS_PROFILE.requestor] }, active: true } as Organization);
  // A person requester: its contact numbers belong to the role it acts in (PractitionerRole pd-1 asks for them there).
  let practitionerRole: PractitionerRole | null = null;
  if (requesterIsPerson) {
    const telecom = (requester as unknown as Obj).telecom as PractitionerRole['telecom'];
    delete (requester as unknown as Obj).telecom;
    practitionerRole = {
      resourceType: 'PractitionerRole',
      id: roleId.id,
      meta: { profile: [PAS_PROFILE.practitionerRole] },
      practitioner: { reference: requesterId.ref },
      ...(telecom !== undefined ? { telecom } : {}),
    };
  }
  const subscriber = {
    ...role(ROLE.Subscriber),
    resourceType: 'Patient',
    id: subscriberId.id,
    meta: { profile: [sawDependent ? PAS_PROFILE.subscriber : PAS_PROFILE.beneficiary] },
  } as Patient;
  // PAS (US Core) patients need a gender and an identifier that a 278 may not give: a missing
  // gender is marked data-absent (not guessed); a dependent, who has no id of its own in 5010,
  // is identified by the coverage's member id (how the payer finds the dependent's coverage).
  const absentGender = (p: Obj): void => {
    if (p.gender === undefined) p._gender = { extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] };
  };
  absentGender(subscriber as unknown as Obj);
  const dependent = sawDependent ? ({ ...role(ROLE.Dependent), resourceType: 'Patient', id: dependentId.id, meta: { profile: [PAS_PROFILE.beneficiary] } } as Patient) : null;
  if (dependent !== null) {
    absentGender(dependent as unknown as Obj);
    const member = (role(ROLE.Subscriber).identifier as unknown[] | undefined) ?? [];
    if (dependent.identifier === undefined && member.length > 0) dependent.identifier = copy(member) as Patient['identifier'];
  }
  const cov = role(ROLE.Coverage);
  const coverage = {
    ...cov,
    resourceType: 'Coverage',
    id: coverageId.id,
    meta: { profile: [PAS_PROFILE.coverage] },
    status: 'active',
    subscriber: { reference: subscriberId.ref },
    beneficiary: { reference: patientId.ref },
    relationship: cov.relationship ?? { coding: [{ system: SYSTEM.subscriberRelationship, code: 'self' }] },
    payor: [{ reference: insurerId.ref }],
  } as Coverage;

  const claimRaw = role(ROLE.Claim);
  const institutional = items.some((it) => it.revenue !== undefined);
  const absent = (): Obj => ({ extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] });
  // Event providers: claim-scope care team members (a person through a PractitionerRole, as PAS asks).
  let next = 8;
  const extra: Array<[{ ref: string }, Resource]> = [];
  const careTeam = providers.map((p, i): Obj => {
    const resId = entryOf(next++);
    let ref = resId.ref;
    if (p.resource.resourceType === 'Practitioner') {
      const { telecom, ...person } = p.resource;
      const prId = entryOf(next++);
      extra.push([resId, { ...person, resourceType: 'Practitioner', id: resId.id, meta: { profile: [PAS_PROFILE.practitioner] } } as Practitioner]);
      extra.push([
        prId,
        {
          resourceType: 'PractitionerRole',
          id: prId.id,
          meta: { profile: [PAS_PROFILE.practitionerRole] },
          practitioner: { reference: resId.ref },
          // pd-1 asks for contact information; a 2010EA without PER gives none: marked data-absent, not guessed.
          telecom: telecom ?? [{ _system: absent(), _value: absent() }],
        } as PractitionerRole,
      ]);
      ref = prId.ref;
    } else {
      extra.push([resId, { ...p.resource, resourceType: 'Organization', id: resId.id, meta: { profile: [PAS_PROFILE.organization] }, active: true } as Organization]);
    }
    return { extension: [{ url: PAS_EXTENSION.careTeamClaimScope, valueBoolean: true }], sequence: i + 1, provider: { reference: ref }, ...p.careTeam };
  });
  items.forEach((it, i) => {
    it.sequence = i + 1;
    // A service without a procedure code is the service type it asks for (as the PAS examples do).
    if (it.productOrService === undefined && it.category !== undefined) it.productOrService = copy(it.category);
    // Claim-scope providers take part in every item (as the PAS referral example lists them).
    if (careTeam.length > 0) it.careTeamSequence = careTeam.map((c) => c.sequence);
    // The quantity and timing it asks for (HSD): a ServiceRequest named by extension-requestedService.
    const svc = services.get(it);
    if (svc !== undefined && Object.keys(svc).length > 0) {
      const srId = entryOf(next++);
      extra.push([
        srId,
        {
          resourceType: 'ServiceRequest',
          id: srId.id,
          meta: { profile: [PAS_PROFILE.serviceRequest] },
          status: 'active',
          intent: 'order',
          ...(it.productOrService !== undefined ? { code: copy(it.productOrService) } : {}),
          subject: { reference: patientId.ref },
          ...svc,
        } as unknown as ServiceRequest,
      ]);
      it.extension = [...((it.extension as Obj[] | undefined) ?? []), { url: PAS_EXTENSION.requestedService, valueReference: { reference: srId.ref } }];
    }
  });
  // CL1: the admission as a PASEncounter, named by the R5 Claim.encounter extension.
  const enc = role(ROLE.Encounter);
  let encounterRef: string | null = null;
  if (Object.keys(enc).length > 0) {
    const encId = entryOf(next++);
    encounterRef = encId.ref;
    extra.push([
      encId,
      {
        resourceType: 'Encounter',
        id: encId.id,
        meta: { profile: [PAS_PROFILE.encounter] },
        ...enc,
        status: 'planned',
        // A 278 does not say the encounter class: marked data-absent, not guessed.
        class: { extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] },
        subject: { reference: patientId.ref },
      } as unknown as Encounter,
    ]);
  }
  const ext = (claimRaw.extension as Obj[] | undefined) ?? [];
  if (pasVersion === '2.2.1') {
    const sub: Obj[] = [];
    const add = (url: string, v: string): void => {
      if (v !== '') sub.push({ url, valueString: v });
    };
    add('applicationSenderCode', tx.group?.sender ?? '');
    add('applicationReceiverCode', tx.group?.receiver ?? '');
    add('interchangeSenderID', ic.sender);
    add('interchangeReceiverID', ic.receiver);
    ext.push({ url: PAS_EXTENSION.transmissionIdentifiers, extension: sub });
  }
  if (encounterRef !== null) ext.push({ url: OTHER_EXTENSION.claimEncounter, valueReference: { reference: encounterRef } });
  const seq = (a: unknown): void => {
    if (Array.isArray(a)) a.forEach((x: Obj, i) => (x.sequence = i + 1));
  };
  seq(claimRaw.diagnosis);
  seq(claimRaw.supportingInfo);
  const claim = {
    resourceType: 'Claim',
    id: claimId.id,
    meta: { profile: [PAS_PROFILE.claim] },
    ...(ext.length > 0 ? { extension: ext } : {}),
    ...claimRaw,
    status: 'active',
    type: { coding: [{ system: SYSTEM.claimType, code: institutional ? 'institutional' : 'professional' }] },
    use: 'preauthorization',
    patient: { reference: patientId.ref },
    insurer: { reference: insurerId.ref },
    provider: { reference: practitionerRole !== null ? roleId.ref : requesterId.ref },
    priority: { coding: [{ system: SYSTEM.processPriority, code: 'normal' }] },
    ...(careTeam.length > 0 ? { careTeam } : {}),
    insurance: [{ sequence: 1, focal: true, coverage: { reference: coverageId.ref } }],
    item: items,
  } as unknown as Claim;
  if (ext.length > 0) (claim as unknown as Obj).extension = ext;

  const entries: Array<[{ ref: string }, Resource]> = [[claimId, claim]];
  if (dependent !== null) entries.push([dependentId, dependent]);
  entries.push([subscriberId, subscriber], [coverageId, coverage], [insurerId, insurer], [requesterId, requester]);
  if (practitionerRole !== null) entries.push([roleId, practitionerRole]);
  entries.push(...extra);
  const bundleRaw = role(ROLE.Bundle);
  return {
    resourceType: 'Bundle',
    id: entryOf(0).id,
    meta: { profile: [PAS_PROFILE.requestBundle] },
    ...bundleRaw,
    type: 'collection',
    entry: entries.map(([e, resource]): BundleEntry => ({ fullUrl: e.ref, resource })),
  } as Bundle;
}
