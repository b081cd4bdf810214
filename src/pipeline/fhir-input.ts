import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One bundle read from a FHIR input file, or the reason a line or file is not one. */
export type FhirItem = { readonly where: string; readonly bundle: Record<string, unknown> } | { readonly where: string; readonly error: string };

/**
 * Reads a FHIR input: a JSON Bundle, or NDJSON with one Bundle per line (`-` reads standard
 * input; gzip is read too); a Parameters (`$inquire` output) gives the bundles it returns. Each
 * line that is not a Bundle is reported, never skipped silently.
 */
export function readFhirBundles(file: string): FhirItem[] {
  const bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  return parseFhirText((bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8'), file);
}

/** The bundles of a FHIR input's text (`file` names where each came from). */
export function parseFhirText(input: string, file: string): FhirItem[] {
  const text = input.replace(/^\ufeff/, '');
  const one = (json: string, where: string): FhirItem => {
    let v: unknown;
    try {
      v = JSON.parse(json);
    } catch (e) {
      return { where, error: `not JSON: ${(e as Error).message}` };
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v) || (v as Record<string, unknown>).resourceType !== 'Bundle') {
      return { where, error: 'not a FHIR Bundle' };
    }
    return { where, bundle: v as Record<string, unknown> };
  };
  /** A `$inquire` output (Parameters with `return` bundles, PAS 2.2.1): one item per bundle it returns. */
  const items = (json: string, where: string): FhirItem[] => {
    const p = parametersOf(json);
    if (p === null) return [one(json, where)];
    return p.map((r, k) => (typeof r === 'object' && r !== null && (r as Record<string, unknown>).resourceType === 'Bundle' ? { where: `${where} parameter[${k}]`, bundle: r as Record<string, unknown> } : { where: `${where} parameter[${k}]`, error: 'not a FHIR Bundle' }));
  };
  const trimmed = text.trim();
  // One JSON document (pretty-printed or not), else NDJSON.
  try {
    JSON.parse(trimmed);
    return items(trimmed, file);
  } catch {
    const out: FhirItem[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() !== '') out.push(...items(line, `${file}:${i + 1}`));
    });
    return out;
  }
}

/** True when a file's first non-blank character opens a JSON object (FHIR), not an ISA (X12). Reads 4 KiB at most. */
export function looksLikeJson(file: string): boolean {
  if (file === '-') return false;
  const head = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.subarray(0, n).toString('utf8').replace(/^\ufeff/, '').trimStart().startsWith('{');
}

/** The resources of a Parameters' parameters (a `$inquire` output), or null when the JSON is not a Parameters. */
function parametersOf(json: string): unknown[] | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  const o = v as { resourceType?: unknown; parameter?: unknown } | null;
  if (typeof o !== 'object' || o === null || o.resourceType !== 'Parameters') return null;
  return Array.isArray(o.parameter) ? (o.parameter as Array<{ resource?: unknown }>).map((x) => x?.resource) : [];
}
