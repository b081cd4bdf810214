/**
 * What of a PAS Response Bundle the X217 response writer has no place for, so that the way back
 * drops nothing silently: ClaimResponse, item and addItem elements outside what the rows and the
 * writer carry, and extensions (by url) no response row writes.
 */
import { PAS_EXTENSION } from '../pas/constants.js';
import { RESIDUE_EXTENSION } from './residue.js';
import type { ResponseSource } from './response-disassemble.js';
import type { CompiledTables } from './table.js';

type Obj = Record<string, unknown>;

/** Elements the writer carries (or derives again on reading: ids, profiles, type, status...). */
const CLAIM_RESPONSE = new Set(['resourceType', 'id', 'meta', 'extension', 'identifier', 'status', 'type', 'use', 'patient', 'created', 'insurer', 'requestor', 'request', 'outcome', 'preAuthPeriod', 'adjudication', 'item', 'addItem', 'processNote', 'error', 'communicationRequest']);
const ITEM = new Set(['extension', 'itemSequence', 'noteNumber', 'adjudication']);
const ADD_ITEM = new Set(['extension', 'itemSequence', 'provider', 'productOrService', 'modifier', 'locationCodeableConcept', 'quantity', 'net', 'adjudication']);
/** Extensions the writer reads without a row naming them (the assembler makes them). */
const WRITER_EXTENSIONS = [PAS_EXTENSION.transmissionIdentifiers, PAS_EXTENSION.itemAuthorizedProvider, PAS_EXTENSION.requestedService, RESIDUE_EXTENSION];

const urlsOf = new WeakMap<CompiledTables, ReadonlySet<string>>();

/** Canonical URLs the writing rows of the tables set (`extension[...].url` constants). */
function rowUrls(tables: CompiledTables): ReadonlySet<string> {
  let s = urlsOf.get(tables);
  if (s === undefined) {
    const set = new Set<string>(WRITER_EXTENSIONS);
    for (const r of tables.rows) {
      if (!r.spec.writes) continue;
      for (const [, v] of r.spec.sets) if (typeof v === 'string' && v.startsWith('http')) set.add(v);
    }
    urlsOf.set(tables, (s = set));
  }
  return s;
}

/** Messages for each element and extension of the response the writer leaves out. */
export function unwritten(source: ResponseSource, tables: CompiledTables): string[] {
  const out: string[] = [];
  const urls = rowUrls(tables);
  const check = (o: Obj, where: string, known: ReadonlySet<string>): void => {
    for (const k of Object.keys(o)) if (!known.has(k) && !k.startsWith('_')) out.push(`${where}.${k}: the 278 response has no place for it`);
    for (const e of (o.extension as Obj[] | undefined) ?? []) if (typeof e.url === 'string' && !urls.has(e.url)) out.push(`${where}.extension ${e.url}: no response row writes it`);
  };
  const cr = source.claimResponse;
  check(cr, 'ClaimResponse', CLAIM_RESPONSE);
  ((cr.item as Obj[] | undefined) ?? []).forEach((it, i) => check(it, `ClaimResponse.item[${i}]`, ITEM));
  ((cr.addItem as Obj[] | undefined) ?? []).forEach((a, i) => {
    check(a, `ClaimResponse.addItem[${i}]`, ADD_ITEM);
    if (!source.items.some((d) => d.addItem === a)) out.push(`ClaimResponse.addItem[${i}]: names no item of the response by itemSequence; not written`);
  });
  return out;
}
