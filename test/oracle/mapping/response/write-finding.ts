// Oracle: src/mapping/response/write-finding.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/** A problem found while writing a PAS response bundle as a 278 response. */
export interface ResponseWriteFinding {
  readonly severity: 'error' | 'warning';
  /** NOT_A_RESPONSE_BUNDLE, UNRESOLVED_REFERENCE; NOT_WRITTEN: a value the 278 has no place for in this layout; the others as the row writer reports them. */
  readonly code: string;
  readonly message: string;
  /** The FHIR element concerned, by its path in the bundle, when known. */
  readonly path?: string;
}
