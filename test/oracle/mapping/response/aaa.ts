// Oracle: src/mapping/response/aaa.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * AAA (request validation) of an X217 response -> one `ClaimResponse.error`: the reject reason
 * (AAA03, X12 element 901) as its code, the follow-up action (AAA04, element 889) as
 * extension-errorFollowupAction, and extension-errorElement naming the X12 place the rejection is
 * about as loop-segment-element (`2010C-NM109`). Which element a reject reason is about comes from
 * `mappings/response/codes/aaa-element.json`; a reason not listed there names the segment the AAA
 * follows in its loop (`2010C-NM1`), or the loop alone when it follows the HL.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OTHER_EXTENSION, PAS_EXTENSION, X12_CODE_SYSTEM } from '../../../../src/pas/constants.js';
import { MappingTableError } from '../../../../src/mapping/engine/table.js';

type Obj = Record<string, unknown>;

const REJECT_REASON_SYSTEM = X12_CODE_SYSTEM.rejectReason;
const FOLLOW_UP_SYSTEM = X12_CODE_SYSTEM.followUpAction;

interface AboutRow {
  readonly segment?: string;
  readonly element?: number;
}

const TABLE = fileURLToPath(new URL('../../../../mappings/response/codes/aaa-element.json', import.meta.url));
let about: ReadonlyMap<string, AboutRow> | undefined;

/** AAA03 -> the segment and element it is about (`mappings/response/codes/aaa-element.json`), loaded once. */
function aboutTable(): ReadonlyMap<string, AboutRow> {
  if (about !== undefined) return about;
  const raw = JSON.parse(readFileSync(TABLE, 'utf8')) as { rows?: unknown };
  if (!Array.isArray(raw.rows)) throw new MappingTableError('mappings/response/codes/aaa-element.json: rows must be an array');
  const m = new Map<string, AboutRow>();
  raw.rows.forEach((r: Obj, i) => {
    const where = `mappings/response/codes/aaa-element.json: rows[${i}]`;
    if (typeof r.code !== 'string' || r.code === '') throw new MappingTableError(`${where}.code: must be a non-empty string`);
    if (r.segment !== undefined && (typeof r.segment !== 'string' || !/^[A-Z][A-Z0-9]{1,2}$/.test(r.segment))) throw new MappingTableError(`${where}.segment: must be a segment id`);
    if (r.element !== undefined && (typeof r.element !== 'number' || !Number.isInteger(r.element) || r.element < 1 || r.segment === undefined)) throw new MappingTableError(`${where}.element: must be a positive integer, with a segment`);
    if (m.has(r.code)) throw new MappingTableError(`${where}.code: ${r.code} listed twice`);
    m.set(r.code, { segment: r.segment as string | undefined, element: r.element as number | undefined });
  });
  about = m;
  return m;
}

/** What aaaError needs of the AAA and its place. */
export interface AaaPlace {
  /** The AAA's elements (index 0 is the id). */
  readonly elements: readonly string[];
  /** Its loop id (`2010C`, `2000F`). */
  readonly loop: string;
  /** Ids of the segments of the same loop instance, in order (HL included). */
  readonly loopSegments: readonly string[];
  /** Index of the AAA in `loopSegments`. */
  readonly index: number;
}

/** `loop-segment-element` (`2010C-NM109`), `loop-segment`, or the loop alone. */
export function errorElementOf(place: AaaPlace): string {
  const code = place.elements[3] ?? '';
  const row = aboutTable().get(code);
  if (row?.segment !== undefined && place.loopSegments.includes(row.segment)) {
    return row.element !== undefined ? `${place.loop}-${row.segment}${String(row.element).padStart(2, '0')}` : `${place.loop}-${row.segment}`;
  }
  // The segment the AAA follows (AAA stands right after what it validates), skipping other AAAs.
  for (let i = place.index - 1; i >= 0; i--) {
    const id = place.loopSegments[i]!;
    if (id === 'AAA') continue;
    return id === 'HL' ? place.loop : `${place.loop}-${id}`;
  }
  return place.loop;
}

/** A data-absent-reason `unknown` marker. */
const absent = (): Obj => ({ extension: [{ url: OTHER_EXTENSION.dataAbsentReason, valueCode: 'unknown' }] });

/**
 * One ClaimResponse.error for an AAA. `errorPath` (FHIRPath into the request bundle) is added when
 * the caller knows it. Reads AAA01 (valid-request flag, implied by the error itself), AAA03 and
 * AAA04; AAA02 is not used in X217. A missing AAA03 gives a data-absent code.
 */
export function aaaError(place: AaaPlace, errorPath?: string): Obj {
  const els = place.elements;
  const ext: Obj[] = [{ url: PAS_EXTENSION.errorElement, extension: [{ url: 'error', valueString: errorElementOf(place) }] }];
  if (errorPath !== undefined) ext.push({ url: PAS_EXTENSION.errorPath, valueString: errorPath });
  const follow = els[4] ?? '';
  if (follow !== '') ext.push({ url: PAS_EXTENSION.errorFollowupAction, valueCodeableConcept: { coding: [{ system: FOLLOW_UP_SYSTEM, code: follow }] } });
  const reason = els[3] ?? '';
  return { extension: ext, code: reason !== '' ? { coding: [{ system: REJECT_REASON_SYSTEM, code: reason }] } : absent() };
}

/** Elements of an AAA an error carries (1, 3, 4); any other non-empty one is not carried. */
export const AAA_READ_MASK = (1 << 1) | (1 << 3) | (1 << 4);
