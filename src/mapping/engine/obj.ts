/** A JSON object (not null, not an array): the check every reader of FHIR JSON makes. */
export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
