import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One bundle read from a FHIR input file, or the reason a line or file is not one. */
export type FhirItem = { readonly where: string; readonly bundle: Record<string, unknown> } | { readonly where: string; readonly error: string; readonly code: 'NOT_JSON' | 'NOT_A_BUNDLE' };

/**
 * Reads a FHIR input: a JSON Bundle, or NDJSON with one Bundle per line (`-` reads standard
 * input; gzip is read too); a Parameters (`$inquire` output) gives the bundles it returns. Each
 * line that is not a Bundle is reported, never skipped silently.
 */
export function readFhirBundles(file: string): FhirItem[] {
  const bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  return parseFhirText((bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8'), file);
}

/** The items of one JSON text (see itemsOfValue), or why it is not JSON. */
function itemsOfJson(json: string, where: string): FhirItem[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    return [{ where, error: `not JSON: ${(e as Error).message}`, code: 'NOT_JSON' }];
  }
  return itemsOfValue(v, where);
}

/**
 * The items of one parsed JSON value: a Bundle; a `$inquire` output (Parameters with `return`
 * bundles, PAS 2.2.1), one item per bundle it returns; or why it is neither.
 */
function itemsOfValue(v: unknown, where: string): FhirItem[] {
  const o = v as { resourceType?: unknown; parameter?: unknown } | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [{ where, error: 'not a FHIR Bundle', code: 'NOT_A_BUNDLE' }];
  if (o.resourceType === 'Parameters') {
    const returned = Array.isArray(o.parameter) ? (o.parameter as Array<{ resource?: unknown } | null>).map((x) => x?.resource) : [];
    return returned.map((r, k) => (typeof r === 'object' && r !== null && (r as Record<string, unknown>).resourceType === 'Bundle' ? { where: `${where} parameter[${k}]`, bundle: r as Record<string, unknown> } : { where: `${where} parameter[${k}]`, error: 'not a FHIR Bundle', code: 'NOT_A_BUNDLE' }));
  }
  if (o.resourceType !== 'Bundle') return [{ where, error: 'not a FHIR Bundle', code: 'NOT_A_BUNDLE' }];
  return [{ where, bundle: o as Record<string, unknown> }];
}

/** The bundles of a FHIR input's text (`file` names where each came from). */
export function parseFhirText(input: string, file: string): FhirItem[] {
  const text = input.replace(/^\ufeff/, '');
  // One JSON document (pretty-printed or not), else NDJSON.
  let whole: unknown;
  try {
    whole = JSON.parse(text.trim());
  } catch {
    const out: FhirItem[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() !== '') out.push(...itemsOfJson(line, `${file}:${i + 1}`));
    });
    return out;
  }
  return itemsOfValue(whole, file);
}

/**
 * The bundles of a FHIR input as its (gunzipped) bytes come, the same items with the same
 * `where`s as parseFhirText of the whole text: NDJSON is read line by line, so memory holds a
 * line at a time whatever the file's size. A file whose first line is not JSON by itself (a
 * pretty-printed document, or NDJSON that starts with a bad line) is read whole.
 */
export async function* fhirItemsOf(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<FhirItem> {
  let carry: Buffer | null = null;
  let lineNo = 0;
  // held: the first non-blank line, until a second one shows the file is NDJSON.
  const st: { mode: 'start' | 'ndjson' | 'whole'; held: { value: unknown; no: number } | null } = { mode: 'start', held: null };
  const whole: Buffer[] = [];
  // A function, not st.mode === 'whole' inline: TypeScript does not see line() change st.mode.
  const readWhole = (): boolean => st.mode === 'whole';
  function* line(bytes: Buffer): Generator<FhirItem> {
    lineNo++;
    let text = bytes.toString('utf8');
    if (lineNo === 1) text = text.replace(/^\ufeff/, '');
    if (text.trim() === '') return;
    if (st.mode === 'ndjson') {
      yield* itemsOfJson(text, `${file}:${lineNo}`);
    } else if (st.held !== null) {
      st.mode = 'ndjson';
      whole.length = 0;
      yield* itemsOfValue(st.held.value, `${file}:${st.held.no}`);
      st.held = null;
      yield* itemsOfJson(text, `${file}:${lineNo}`);
    } else {
      try {
        st.held = { value: JSON.parse(text), no: lineNo };
      } catch {
        st.mode = 'whole';
      }
    }
  }
  for await (const chunk of chunks) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (st.mode === 'whole') {
      whole.push(Buffer.from(buf));
      continue;
    }
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl >= 0 && !readWhole(); nl = buf.indexOf(10, from)) {
      const piece = buf.subarray(from, nl);
      const bytes: Buffer = carry !== null ? Buffer.concat([carry, piece]) : piece;
      carry = null;
      if (st.mode === 'start') whole.push(Buffer.concat([bytes, NEWLINE]));
      yield* line(bytes);
      from = nl + 1;
    }
    if (readWhole()) {
      whole.push(Buffer.from(buf.subarray(from)));
      continue;
    }
    if (from < buf.length) carry = carry !== null ? Buffer.concat([carry, buf.subarray(from)]) : Buffer.from(buf.subarray(from));
  }
  if (st.mode !== 'whole' && carry !== null) {
    if (st.mode === 'start') whole.push(carry);
    yield* line(carry);
  }
  if (st.mode === 'whole') {
    yield* parseFhirText(Buffer.concat(whole).toString('utf8'), file);
    return;
  }
  // One non-blank line: one JSON document, named by the file alone.
  if (st.held !== null) yield* itemsOfValue(st.held.value, file);
}

const NEWLINE = Buffer.from('\n');

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
