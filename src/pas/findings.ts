import type { Finding, Severity } from '../x12/finding.js';

/**
 * A profile-validation finding. `location` is FHIRPath-like, from the bundle down:
 * `Bundle.entry[0].resource.item[1].extension[0]`. `profile` (canonical `url|version`) and
 * `rule` (element id such as `Claim.item.extension:requestType`, an invariant key, or one of our
 * bundle rules) say which rule of which profile failed; the message says it in words too.
 */
export interface PasFinding extends Finding {
  location: string;
  profile?: string;
  rule?: string;
}

/** Stable codes of profile-validation findings. */
export const PAS_CODE = {
  /** Structure and base-R4 or profile checks reported by @medplum/core. */
  structure: 'PAS_STRUCTURE',
  cardinality: 'PAS_CARDINALITY',
  fixedValue: 'PAS_FIXED_VALUE',
  pattern: 'PAS_PATTERN',
  type: 'PAS_TYPE',
  sliceCardinality: 'PAS_SLICE_CARDINALITY',
  sliceClosed: 'PAS_SLICE_CLOSED',
  invariant: 'PAS_INVARIANT',
  binding: 'PAS_BINDING',
  extensionContext: 'PAS_EXTENSION_CONTEXT',
  notABundle: 'PAS_NOT_A_BUNDLE',
  bundleType: 'PAS_BUNDLE_TYPE',
  bundleFirstEntry: 'PAS_BUNDLE_FIRST_ENTRY',
  duplicateFullUrl: 'PAS_BUNDLE_DUPLICATE_FULLURL',
  unresolvedReference: 'PAS_BUNDLE_UNRESOLVED_REFERENCE',
  missingResourceType: 'PAS_MISSING_RESOURCE_TYPE',
  /** A rule broken by the IG's own definitions or examples; reported as a warning. */
  igDefect: 'PAS_IG_DEFECT',
  /** No profile could be loaded for a resource that should have one. */
  profileUnavailable: 'PAS_PROFILE_UNAVAILABLE',
  /** The validator itself failed on this input (a bug of ours or medplum's). */
  validatorError: 'PAS_VALIDATOR_ERROR',
} as const;

export type PasCode = (typeof PAS_CODE)[keyof typeof PAS_CODE];

export function pasFinding(
  severity: Severity,
  code: string,
  location: string,
  text: string,
  profile?: string,
  rule?: string,
): PasFinding {
  const names = [profile ? `profile ${profile}` : undefined, rule ? `rule ${rule}` : undefined].filter(Boolean).join(', ');
  const f: PasFinding = { severity, code, location, message: `${location}: ${text}${names ? ` [${names}]` : ''}` };
  if (profile) f.profile = profile;
  if (rule) f.rule = rule;
  return f;
}
