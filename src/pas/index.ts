/** PAS layer: profile validation of PAS bundles against IG packages from a FHIR package cache. */
export * from './constants.js';
export { PAS_VERSIONS, PAS_VERSION_INFO, BUNDLE_PROFILE, FIRST_ENTRY_TYPE, isPasVersion } from './versions.js';
export type { PasVersion, BundleKind, PasVersionInfo, IgDefect } from './versions.js';
export {
  FhirPackageCache,
  FhirPackage,
  FhirPackageError,
  PackageSet,
  PACKAGES_ENV,
  FHIR_R4_CORE,
  resolvePackageCachePath,
} from './packages.js';
export type { PackageCacheOptions, MissingDependency, SubstitutedDependency, PackageFileInfo } from './packages.js';
export { PAS_CODE } from './findings.js';
export type { PasFinding, PasCode } from './findings.js';
export { PasValidator, validateBundle, getPasValidator, loadBaseR4 } from './validate.js';
export type { ValidateBundleOptions } from './validate.js';
