import type { BundleKind, PasFinding, PasVersion } from '../pas/index.js';
import { FhirPackageError, validateBundle } from '../pas/index.js';

/** Checks a bundle against a PAS version's profiles; null when no check could be made. */
export type BundleValidator = (bundle: unknown, pasVersion: PasVersion, kind: BundleKind) => PasFinding[];

export interface ValidatorChoice {
  readonly validate: BundleValidator | null;
  /** Why validation is off, when it is. */
  readonly off: string | null;
}

/**
 * The default validator: `validateBundle` with the definitions `x12pas validate` uses (`packages`,
 * else $X12PAS_FHIR_PACKAGES, else the snapshot shipped in fhir/). When a chosen cache has no PAS,
 * validation is off and says why (the gateway still runs); a caller may plug in its own.
 */
export function defaultValidator(packages: string | null): ValidatorChoice {
  const options = packages !== null ? { path: packages } : undefined;
  try {
    // Loads the PAS package now, so a missing cache shows at start-up and not on the first request.
    validateBundle({ resourceType: 'Bundle', type: 'collection', entry: [] }, { pasVersion: '2.2.1', kind: 'request', ...(options ? { packages: options } : {}) });
  } catch (e) {
    if (e instanceof FhirPackageError) return { validate: null, off: e.message };
    throw e;
  }
  return {
    validate: (bundle, pasVersion, kind) => validateBundle(bundle, { pasVersion, kind, ...(options ? { packages: options } : {}) }),
    off: null,
  };
}
