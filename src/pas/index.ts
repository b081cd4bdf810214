/** PAS layer: profile validation of PAS bundles against the IG packages (the snapshot x12pas ships, or a FHIR package cache). */
export * from './constants.js';
export { PAS_VERSIONS, PAS_VERSION_INFO, BUNDLE_PROFILE, FIRST_ENTRY_TYPE, isPasVersion } from './versions.js';
export type { PasVersion, BundleKind, PasVersionInfo, IgDefect } from './versions.js';
export {
  PackageSource,
  FhirPackageCache,
  FhirPackage,
  openPackageDir,
  FhirPackageError,
  PackageSet,
  PACKAGES_ENV,
  FHIR_R4_CORE,
  resolvePackageCachePath,
} from './packages.js';
export type { PackageCacheOptions, PackageManifest, MissingDependency, SubstitutedDependency, PackageFileInfo } from './packages.js';
export { SnapshotPackages, BUNDLED_SNAPSHOT, SNAPSHOT_FORMAT, packageSourceFor, readSnapshot } from './snapshot.js';
export type { Snapshot, SnapshotPackage } from './snapshot.js';
export { PAS_CODE } from './findings.js';
export type { PasFinding, PasCode } from './findings.js';
export { PasValidator, validateBundle, getPasValidator, loadBaseR4 } from './validate.js';
export type { ValidateBundleOptions } from './validate.js';
