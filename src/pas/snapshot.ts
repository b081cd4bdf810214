/**
 * The FHIR packages x12pas ships: `fhir/pas-snapshot.json.gz`, the conformance resources that
 * validating PAS 2.2.1 and 2.0.1 bundles needs, cut from the IG packages by
 * `scripts/fhir-snapshot.mjs` (see snapshot-build.ts; the sources and their licence are in
 * `fhir/NOTICE`). It is the default package source: a package cache is used only when one is
 * chosen (`packages.path`, `--packages DIR` or `X12PAS_FHIR_PACKAGES`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FhirPackage, FhirPackageCache, FhirPackageError, PACKAGES_ENV, PackageSource, resolvePackageCachePath } from './packages.js';
import type { PackageCacheOptions, PackageFileInfo, PackageManifest } from './packages.js';

/** The snapshot file's format tag. */
export const SNAPSHOT_FORMAT = 'x12pas-fhir-snapshot/1';

/** The snapshot shipped with x12pas (the repository's `fhir/` folder; `dist/pas` and `src/pas` both sit two levels below it). */
export const BUNDLED_SNAPSHOT = fileURLToPath(new URL('../../fhir/pas-snapshot.json.gz', import.meta.url));

/** One package of a snapshot: its manifest and the resources kept of it. */
export interface SnapshotPackage {
  manifest: PackageManifest;
  resources: Record<string, unknown>[];
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  packages: SnapshotPackage[];
}

/** Packages read from a snapshot file (gzip or plain JSON), held in memory. */
export class SnapshotPackages extends PackageSource {
  readonly path: string;
  private readonly byId = new Map<string, SnapshotPackage>();

  /** `snapshot`: the parsed content, when the caller has it (else the file is read on first need). */
  constructor(path: string, snapshot?: Snapshot) {
    super();
    this.path = path;
    if (snapshot) this.index(snapshot);
  }

  get label(): string {
    return `the FHIR package snapshot ${this.path}`;
  }

  protected listPackages(): ReadonlyMap<string, readonly string[]> {
    if (this.byId.size === 0) this.index(readSnapshot(this.path));
    const listing = new Map<string, string[]>();
    for (const p of this.byId.values()) listing.set(p.manifest.name, [...(listing.get(p.manifest.name) ?? []), p.manifest.version]);
    return listing;
  }

  protected openPackage(name: string, version: string): FhirPackage {
    const p = this.byId.get(`${name}#${version}`);
    if (!p) throw new FhirPackageError('PACKAGE_NOT_FOUND', `FHIR package ${name}#${version} is not in ${this.label}`);
    const files: PackageFileInfo[] = p.resources.map((r, i) => ({
      filename: String(i),
      resourceType: String(r.resourceType),
      ...(typeof r.id === 'string' ? { id: r.id } : {}),
      ...(typeof r.url === 'string' ? { url: r.url } : {}),
      ...(typeof r.version === 'string' ? { version: r.version } : {}),
    }));
    return new FhirPackage(p.manifest, files, (filename) => p.resources[Number(filename)], this.path);
  }

  private index(snapshot: Snapshot): void {
    for (const p of snapshot.packages) this.byId.set(`${p.manifest.name}#${p.manifest.version}`, p);
  }
}

/** Reads and checks a snapshot file; a `FhirPackageError` when it cannot be used. */
export function readSnapshot(path: string): Snapshot {
  let value: unknown;
  try {
    const bytes = readFileSync(path);
    value = JSON.parse((bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new FhirPackageError('CACHE_NOT_FOUND', `the FHIR package snapshot ${path} cannot be read (${why}); reinstall x12pas or choose a cache with --packages DIR or ${PACKAGES_ENV}`);
  }
  const s = value as Partial<Snapshot> | null;
  if (typeof s !== 'object' || s === null || s.format !== SNAPSHOT_FORMAT || !Array.isArray(s.packages)) {
    throw new FhirPackageError('PACKAGE_INVALID', `${path} is not an x12pas FHIR package snapshot (${SNAPSHOT_FORMAT})`);
  }
  return s as Snapshot;
}

let bundled: SnapshotPackages | undefined;
const caches = new Map<string, FhirPackageCache>();

/**
 * The package source for these options: the cache folder they choose (`path`, else a non-empty
 * `X12PAS_FHIR_PACKAGES`), else the bundled snapshot. One source per folder, kept.
 */
export function packageSourceFor(options: PackageCacheOptions = {}): PackageSource {
  const env = options.env ?? process.env;
  if (options.path === undefined && (env[PACKAGES_ENV] ?? '') === '') {
    bundled ??= new SnapshotPackages(BUNDLED_SNAPSHOT);
    return bundled;
  }
  const path = resolvePackageCachePath(options);
  let cache = caches.get(path);
  if (!cache) {
    cache = new FhirPackageCache({ path });
    caches.set(path, cache);
  }
  return cache;
}
