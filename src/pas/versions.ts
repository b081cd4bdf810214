/**
 * The one place that knows how PAS 2.0.1 and 2.2.1 differ, as far as this project cares:
 * package versions, which profiles and extensions exist, bundle rules, which profile each
 * resource type gets by default, and the IG defects we tolerate (downgraded to warnings).
 *
 * Differences the validator sees come from the packages themselves (the profiles are read, not
 * restated here). Those that matter most, read from the two packages:
 * - 2.2.1 requires per-item `serviceItemRequestType` and `certificationType` (Claim.item.extension
 *   2..*, each slice 1..1); 2.0.1 has them 0..1.
 * - 2.2.1 requires `ClaimResponse.request` (1..1) and the response `Bundle.identifier` (1..1).
 * - 2.2.1 bundle profiles state "Claim/ClaimResponse first" as invariants; 2.0.1 only in prose.
 * - 2.2.1 profiles derive from US Core 7.0.0 (e.g. us-core-16: a 10-digit NPI), 2.0.1 from 3.1.1.
 * - 2.2.1 adds the extensions and profiles listed in `onlyExtensions` / `onlyProfiles`;
 *   2.0.1's paLineNumber became serviceLineNumber.
 * - The NUBC revenue-code system PAS binds `Claim.item.revenue` to (AHANUBCRevenueCodes):
 *   2.2.1 `https://www.nubc.org/CodeSystem/RevenueCodes`, 2.0.1 `https://www.nubc.org/revenue-code`.
 *
 * Bundles are built in the 2.2.1 shape (src/mapping/request/assemble.ts) and adapted to the asked
 * version here, by `adaptRequestBundle`; the rules it applies are data (`systemRenames`,
 * `onlyExtensions`), so the reverse direction can undo the renames (what it drops, the ISA/GS
 * identifiers, comes back from the envelope the writer builds).
 */
import { PAS_EXTENSION, PAS_PROFILE } from './constants.js';
import type { PasFinding } from './findings.js';

/** `Claim.item.revenue` code system, by version (ValueSet AHANUBCRevenueCodes of each package). */
export const REVENUE_CODE_SYSTEM = {
  '2.2.1': 'https://www.nubc.org/CodeSystem/RevenueCodes',
  '2.0.1': 'https://www.nubc.org/revenue-code',
} as const;

export type PasVersion = '2.2.1' | '2.0.1';
export const PAS_VERSIONS: readonly PasVersion[] = ['2.2.1', '2.0.1'];

export function isPasVersion(v: unknown): v is PasVersion {
  return v === '2.2.1' || v === '2.0.1';
}

/** What a bundle is for, which decides its profile and its first entry. */
export type BundleKind = 'request' | 'response' | 'inquiry-request' | 'inquiry-response';

/**
 * A known defect of the IG: the finding is real against the published definitions, but the IG
 * itself (its own examples or another of its definitions) says otherwise. Such findings become
 * warnings with code `PAS_IG_DEFECT`.
 */
export interface IgDefect {
  id: string;
  /** Why this is the IG's fault, said once in every downgraded finding. */
  explanation: string;
  /** `bundle` is the bundle the finding is about, for defects that depend on its content. */
  matches(f: PasFinding, bundle: Record<string, unknown>): boolean;
}

export interface PasVersionInfo {
  version: PasVersion;
  /** Package version in the cache (`hl7.fhir.us.davinci-pas#<package>`). */
  packageVersion: string;
  /** The US Core the PAS profiles derive from. */
  usCoreVersion: string;
  /** The response bundle profile requires `Bundle.identifier` (2.2.1). */
  responseBundleIdentifierRequired: boolean;
  /** `$inquire` returns a Parameters with 0..* `return` bundles (2.2.1) or one bundle (2.0.1). */
  inquireOutput: 'parameters' | 'bundle';
  /** Bundle profiles state "first entry is the Claim/ClaimResponse" as an invariant. */
  firstEntryInvariant: { request: string; response: string } | undefined;
  /** Profiles only this version has. */
  onlyProfiles: readonly string[];
  /** Extensions only this version has. */
  onlyExtensions: readonly string[];
  /**
   * Code systems named differently from 2.2.1 (the shape bundles are built in): `[2.2.1 system,
   * this version's system]`. Empty for 2.2.1.
   */
  systemRenames: ReadonlyArray<readonly [string, string]>;
  /** Profile of a resource not reached through a typed reference, by resource type. */
  defaultProfiles: Readonly<Record<string, string>>;
  igDefects: readonly IgDefect[];
  /**
   * Elements a repeat of a 278 segment use would fill (`Role.element`, the mapping rows' role and
   * first path step) that this version holds once only: a repeat there is reported, not read
   * (2.0.1: Claim.identifier 1..1, so a second 2000E TRN).
   */
  singleElements: readonly string[];
}

const COMMON_DEFAULTS: Record<string, string> = {
  Claim: PAS_PROFILE.claim,
  ClaimResponse: PAS_PROFILE.claimResponse,
  Patient: PAS_PROFILE.beneficiary,
  Organization: PAS_PROFILE.organization,
  Coverage: PAS_PROFILE.coverage,
  Practitioner: PAS_PROFILE.practitioner,
  PractitionerRole: PAS_PROFILE.practitionerRole,
  Encounter: PAS_PROFILE.encounter,
  Location: PAS_PROFILE.location,
  ServiceRequest: PAS_PROFILE.serviceRequest,
  DeviceRequest: PAS_PROFILE.deviceRequest,
  MedicationRequest: PAS_PROFILE.medicationRequest,
  NutritionOrder: PAS_PROFILE.nutritionOrder,
  CommunicationRequest: PAS_PROFILE.communicationRequest,
  Task: PAS_PROFILE.task,
};

/** Matches an unresolved reference made from `fromPath` in a bundle of the given profile. */
function unresolvedFrom(bundleProfiles: readonly string[], fromPath: RegExp): (f: PasFinding) => boolean {
  return (f) => {
    if (f.code !== 'PAS_BUNDLE_UNRESOLVED_REFERENCE' || !f.profile) return false;
    const profile = f.profile.split('|')[0] ?? '';
    if (!bundleProfiles.includes(profile)) return false;
    const m = / \(from ([^)]+)\) /.exec(f.message);
    return !!m && fromPath.test(m[1] ?? '');
  };
}

const RESPONSES = [PAS_PROFILE.responseBundle, PAS_PROFILE.inquiryResponseBundle];
const REQUESTS = [PAS_PROFILE.requestBundle, PAS_PROFILE.inquiryRequestBundle];

/**
 * Found by validating the IG's own example bundles (test/pas/examples.test.ts) and by reading
 * the profiles. Extension-context defects, where a PAS profile itself slices an extension into
 * a place its definition does not allow (2.2.1: authorizationNumber and
 * administrationReferenceNumber on Claim), are recognised generically in validate.ts from the
 * profiles and need no entry here.
 */
const V221_DEFECTS: IgDefect[] = [
  {
    id: 'response-omits-request-claim',
    explanation:
      "the IG's response bundles reference the submitted Claim from ClaimResponse.request without including it (the requester holds it)",
    matches: unresolvedFrom(RESPONSES, /^ClaimResponse\.request$/),
  },
  {
    id: 'response-omits-requestor',
    explanation:
      "the IG's response bundles reference the requesting PractitionerRole from ClaimResponse.requestor without including it",
    matches: unresolvedFrom(RESPONSES, /^ClaimResponse\.requestor$/),
  },
  {
    id: 'response-echoed-claim-references',
    explanation:
      "the IG's error and rejection response bundles echo the submitted Claim, whose references point into the request bundle, not the response",
    matches: unresolvedFrom(RESPONSES, /^Claim\./),
  },
  {
    id: 'request-practitionerrole-references',
    explanation:
      "the IG's surgical request bundle includes a PractitionerRole whose practitioner and location are not in the bundle",
    matches: unresolvedFrom(REQUESTS, /^PractitionerRole\.(practitioner|location)$/),
  },
];

const V201_DEFECTS: IgDefect[] = [
  {
    id: 'response-omits-authorized-provider',
    explanation:
      "the IG's response bundles name the authorized provider (extension-itemAuthorizedProvider) by a reference to a Practitioner they do not include",
    matches: unresolvedFrom(RESPONSES, /^ClaimResponse\.item\.extension\.extension\.value$/),
  },
  {
    id: 'request-practitionerrole-references',
    explanation:
      "the IG's surgical request bundle includes a PractitionerRole whose practitioner and location are not in the bundle",
    matches: unresolvedFrom(REQUESTS, /^PractitionerRole\.(practitioner|location)$/),
  },
];

export const PAS_VERSION_INFO: Readonly<Record<PasVersion, PasVersionInfo>> = {
  '2.2.1': {
    version: '2.2.1',
    packageVersion: '2.2.1',
    usCoreVersion: '7.0.0',
    responseBundleIdentifierRequired: true,
    inquireOutput: 'parameters',
    firstEntryInvariant: { request: 'ClaimFirst', response: 'ClaimResponseFirst' },
    onlyProfiles: [PAS_PROFILE.documentReference, PAS_PROFILE.subscription, PAS_PROFILE.quantity],
    onlyExtensions: [
      PAS_EXTENSION.transmissionIdentifiers,
      PAS_EXTENSION.admissionDates,
      PAS_EXTENSION.authorizedProviderType,
      PAS_EXTENSION.claimResponseReviewer,
      PAS_EXTENSION.dischargeDate,
      PAS_EXTENSION.documentInformation,
      PAS_EXTENSION.itemCategory,
      PAS_EXTENSION.revenueCode,
    ],
    systemRenames: [],
    defaultProfiles: { ...COMMON_DEFAULTS, DocumentReference: PAS_PROFILE.documentReference },
    igDefects: V221_DEFECTS,
    singleElements: [],
  },
  '2.0.1': {
    version: '2.0.1',
    packageVersion: '2.0.1',
    usCoreVersion: '3.1.1',
    responseBundleIdentifierRequired: false,
    inquireOutput: 'bundle',
    firstEntryInvariant: undefined,
    onlyProfiles: [],
    onlyExtensions: [PAS_EXTENSION.paLineNumber],
    systemRenames: [[REVENUE_CODE_SYSTEM['2.2.1'], REVENUE_CODE_SYSTEM['2.0.1']]],
    defaultProfiles: COMMON_DEFAULTS,
    igDefects: V201_DEFECTS,
    singleElements: ['Claim.identifier'],
  },
};

/** Bundle profile and first-entry profile by kind (the same URLs in both versions). */
export const BUNDLE_PROFILE: Readonly<Record<BundleKind, string>> = {
  request: PAS_PROFILE.requestBundle,
  response: PAS_PROFILE.responseBundle,
  'inquiry-request': PAS_PROFILE.inquiryRequestBundle,
  'inquiry-response': PAS_PROFILE.inquiryResponseBundle,
};

/** The resource type that must come first in a bundle of each kind. */
export const FIRST_ENTRY_TYPE: Readonly<Record<BundleKind, 'Claim' | 'ClaimResponse'>> = {
  request: 'Claim',
  response: 'ClaimResponse',
  'inquiry-request': 'Claim',
  'inquiry-response': 'ClaimResponse',
};

type Json = Record<string, unknown>;

/** Walks a JSON tree: `visit` sees every object (arrays are entered, not visited). */
function walk(x: unknown, visit: (o: Json) => void): void {
  if (Array.isArray(x)) for (const v of x) walk(v, visit);
  else if (typeof x === 'object' && x !== null) {
    visit(x as Json);
    for (const v of Object.values(x)) walk(v, visit);
  }
}

/**
 * A request bundle built in the PAS 2.2.1 shape -> the given version's shape, in place (and
 * returned). For 2.0.1: extensions 2.2.1 alone defines are dropped (of what a 278 request fills:
 * TransmissionIdentifiers, the ISA/GS sender and receiver, which 2.0.1 has no place for), and
 * code systems 2.0.1 names differently are renamed (`systemRenames`). 2.2.1 bundles pass as they are.
 */
export function adaptRequestBundle<B extends object>(bundle: B, version: PasVersion): B {
  if (version === '2.2.1') return bundle;
  const newer = new Set(PAS_VERSION_INFO['2.2.1'].onlyExtensions);
  const renames = new Map(PAS_VERSION_INFO[version].systemRenames);
  walk(bundle, (o) => {
    const ext = o.extension;
    if (Array.isArray(ext) && ext.some((e: Json) => newer.has(e?.url as string))) {
      const kept = ext.filter((e: Json) => !newer.has(e?.url as string));
      if (kept.length > 0) o.extension = kept;
      else delete o.extension;
    }
    if (typeof o.system === 'string') {
      const to = renames.get(o.system);
      if (to !== undefined) o.system = to;
    }
  });
  return bundle;
}

/**
 * The reverse of `adaptRequestBundle` for reading a bundle of the given version back (FHIR -> X12):
 * code systems renamed back to their 2.2.1 names, in place. What the 2.0.1 shape dropped is not
 * in the bundle and is not invented.
 */
export function requestBundleAs221<B extends object>(bundle: B, version: PasVersion): B {
  if (version === '2.2.1') return bundle;
  const back = new Map(PAS_VERSION_INFO[version].systemRenames.map(([newer, older]) => [older, newer] as const));
  walk(bundle, (o) => {
    if (typeof o.system === 'string') {
      const to = back.get(o.system);
      if (to !== undefined) o.system = to;
    }
  });
  return bundle;
}

/** Extensions PAS 2.2.1 allows on ClaimResponse.addItem that 2.0.1 (which does not profile addItem) allows only elsewhere. */
const ADD_ITEM_2_2_1_ONLY: ReadonlySet<string> = new Set([
  PAS_EXTENSION.serviceItemRequestType,
  PAS_EXTENSION.certificationType,
  PAS_EXTENSION.requestedService,
]);

/**
 * A response bundle built in the PAS 2.2.1 shape (src/mapping/response/assemble.ts) -> the given
 * version's shape, in place (and returned). For 2.0.1: extension-errorElement is a plain string
 * (2.2.1: an `error` sub-extension); itemAuthorizedProvider's provider type is a `providerType`
 * sub-extension (2.2.1: extension-authorizedProviderType); then what 2.0.1 has no place for is
 * left out, each named to `onDrop`: the extensions only 2.2.1 defines (as `adaptRequestBundle`
 * does), the request type, certification type and requested service of an addItem, and a
 * claim-level review action (2.0.1 allows reviewAction on item adjudications only). Code systems
 * are renamed as for requests.
 */
export function adaptResponseBundle<B extends object>(bundle: B, version: PasVersion, onDrop?: (what: string) => void): B {
  if (version === '2.2.1') return bundle;
  const drop = onDrop ?? (() => undefined);
  const newer = new Set(PAS_VERSION_INFO['2.2.1'].onlyExtensions);
  const cr = (bundle as { entry?: Array<{ resource?: Json }> }).entry?.[0]?.resource;
  if (cr?.resourceType === 'ClaimResponse') {
    for (const err of (cr.error as Json[] | undefined) ?? []) {
      for (const e of (err.extension as Json[] | undefined) ?? []) {
        if (e.url !== PAS_EXTENSION.errorElement || !Array.isArray(e.extension)) continue;
        const v = (e.extension as Json[]).find((x) => x.url === 'error')?.valueString;
        delete e.extension;
        if (typeof v === 'string') e.valueString = v;
      }
    }
    for (const item of (cr.item as Json[] | undefined) ?? []) {
      for (const e of (item.extension as Json[] | undefined) ?? []) {
        if (e.url !== PAS_EXTENSION.itemAuthorizedProvider) continue;
        for (const x of (e.extension as Json[] | undefined) ?? []) if (x.url === PAS_EXTENSION.authorizedProviderType) x.url = 'providerType';
      }
    }
    (cr.addItem as Json[] | undefined)?.forEach((a, i) => {
      const ext = a.extension as Json[] | undefined;
      if (ext === undefined) return;
      const kept = ext.filter((e) => {
        if (!ADD_ITEM_2_2_1_ONLY.has(e.url as string)) return true;
        drop(`${e.url as string} on ClaimResponse.addItem[${i}]`);
        return false;
      });
      if (kept.length > 0) a.extension = kept;
      else delete a.extension;
    });
    const adj = cr.adjudication as Json[] | undefined;
    if (adj?.some((a) => (a.extension as Json[] | undefined)?.some((e) => e.url === PAS_EXTENSION.reviewAction))) {
      drop(`${PAS_EXTENSION.reviewAction} on ClaimResponse.adjudication (the event's decision; its items keep their own)`);
      delete cr.adjudication;
    }
  }
  // 2.0.1 has serviceLineNumber on CommunicationRequest.payload only (whose content a PWK does not give).
  for (const e of (bundle as { entry?: Array<{ resource?: Json }> }).entry ?? []) {
    const r = e.resource;
    if (r?.resourceType !== 'CommunicationRequest' || !Array.isArray(r.extension)) continue;
    const kept = (r.extension as Json[]).filter((x) => x.url !== PAS_EXTENSION.serviceLineNumber);
    if (kept.length === r.extension.length) continue;
    drop(`${PAS_EXTENSION.serviceLineNumber} on CommunicationRequest (the service line it asks about)`);
    if (kept.length > 0) r.extension = kept;
    else delete r.extension;
  }
  walk(bundle, (o) => {
    const ext = o.extension;
    if (Array.isArray(ext) && ext.some((e: Json) => newer.has(e?.url as string))) {
      const kept = ext.filter((e: Json) => {
        if (!newer.has(e?.url as string)) return true;
        drop(`${e.url as string}${typeof o.resourceType === 'string' ? ` on ${o.resourceType}` : ''}`);
        return false;
      });
      if (kept.length > 0) o.extension = kept;
      else delete o.extension;
    }
  });
  return adaptRequestBundle(bundle, version);
}

/**
 * What a response in this PAS version has no place for, so that the response tables leave it
 * unread (and the reader reports it with its X12 place): extensions the version lacks, by
 * canonical URL, and row roles. 2.0.1 lacks the 2.2.1-only extensions, does not allow the request
 * type and certification type on ClaimResponse.addItem (their contexts are Claim.item), nor
 * extension-requestedService there (so an addItem's HSD, role `Service`, has no place).
 */
export function responseGaps(version: PasVersion): { readonly extensions: ReadonlySet<string>; readonly roles: ReadonlySet<string> } {
  if (version === '2.2.1') return { extensions: new Set(), roles: new Set() };
  // authorizedProviderType stays: 2.0.1 holds the same code as itemAuthorizedProvider's `providerType` (adaptResponseBundle renames it).
  const lacking = PAS_VERSION_INFO['2.2.1'].onlyExtensions.filter((u) => u !== PAS_EXTENSION.authorizedProviderType);
  return { extensions: new Set([...lacking, ...ADD_ITEM_2_2_1_ONLY]), roles: new Set(['Service']) };
}

/**
 * Whether a response may reference the submitted Claim literally (`Claim/<id>`) without carrying
 * it: the IG's own 2.2.1 response examples do (its `response-omits-request-claim` defect); 2.0.1
 * gives no such allowance, so a 2.0.1 response names the Claim by identifier only.
 */
export function responseMayReferenceAbsentClaim(version: PasVersion): boolean {
  return PAS_VERSION_INFO[version].igDefects.some((d) => d.id === 'response-omits-request-claim');
}
