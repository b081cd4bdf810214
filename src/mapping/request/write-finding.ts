/** A problem found while writing a PAS request bundle as a 278. */
import type { WriteProblem } from '../engine/write-rows.js';

export interface WriteFinding {
  readonly severity: 'error' | 'warning';
  /** NOT_A_REQUEST_BUNDLE / UNRESOLVED_REFERENCE / MISSING_RESOURCE: the bundle cannot be taken apart (or, as a warning, a care team member is left out); NOT_WRITTEN: a Claim or item extension no row writes (warning); the others: see WriteProblem. */
  readonly code: 'NOT_A_REQUEST_BUNDLE' | 'UNRESOLVED_REFERENCE' | 'MISSING_RESOURCE' | 'NOT_WRITTEN' | 'INVALID_IDENTIFIER' | 'MISSING_IDENTIFIER' | WriteProblem['code'];
  readonly message: string;
  /** Mapping row concerned, when one is. */
  readonly row?: string;
  /** The FHIR element concerned, by its path in the bundle (`Bundle.entry[2].resource.identifier[0]`), when known. */
  readonly path?: string;
}
