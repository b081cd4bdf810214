// Oracle: src/mapping/response/tables.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * The X217 response tables (`mappings/response/*.json`), compiled once per PAS version by the same
 * table compiler as the request tables, against the `278-x217-response` grammar. Rows writing what
 * a version has no place for (`responseGaps` in src/pas/versions.ts) are left out of that version's
 * tables, so the reader reports their X12 places; `gapOf` says which places those are.
 */
import { fileURLToPath } from 'node:url';
import { grammarSet } from '../../../../src/grammar/index.js';
import { responseGaps, type PasVersion } from '../../../../src/pas/versions.js';
import { compileTables, MappingTableError, readTableFiles, type CompiledTables } from '../../../../src/mapping/engine/table.js';

const RESPONSE_DIR = fileURLToPath(new URL('../../../../mappings/response', import.meta.url));

/** Every `*.json` of `mappings/response/` (sorted by name), named relative to the repository. */
export function readResponseTableFiles(dir: string = RESPONSE_DIR): Array<[string, unknown]> {
  return readTableFiles(dir);
}

type Obj = Record<string, unknown>;

interface VersionTables {
  readonly tables: CompiledTables;
  /** `loop/segment use/element` of the rows left out for the version. */
  readonly gaps: ReadonlySet<string>;
}

/** The X217 response grammar; the X215 inquiry response (inquiry/response.ts) is read by the same rows. */
export const RESPONSE_GRAMMAR = '278-x217-response';

const compiled = new Map<string, VersionTables>();

/** Whether a row writes what the version has no place for (a role it lacks, or a `set` url it lacks). */
function lacks(row: Obj, gaps: ReturnType<typeof responseGaps>): boolean {
  const fhir = row.fhir as Obj | undefined;
  if (typeof fhir?.resource === 'string' && gaps.roles.has(fhir.resource)) return true;
  const set = row.set;
  if (typeof set !== 'object' || set === null) return false;
  return Object.values(set).some((v) => typeof v === 'string' && gaps.extensions.has(v));
}

function compileFor(version: PasVersion, grammarId: string = RESPONSE_GRAMMAR): VersionTables {
  const key = `${grammarId}|${version}`;
  let v = compiled.get(key);
  if (v !== undefined) return v;
  const g = grammarSet().byId(grammarId);
  if (g === undefined) throw new MappingTableError(`grammar ${grammarId} not found`);
  const gapsOf = responseGaps(version);
  const gaps = new Set<string>();
  const files = readResponseTableFiles().map(([file, raw]): [string, unknown] => {
    const top = raw as Obj;
    if (!Array.isArray(top.rows)) return [file, raw];
    const rows = (top.rows as Obj[]).filter((r) => {
      if (!lacks(r, gapsOf)) return true;
      const x = r.x12 as Obj;
      const els = Array.isArray(x.elements) ? (x.elements as number[]) : [x.element as number];
      for (const e of els) gaps.add(`${String(x.loop)}/${String(x.segment)}/${e}`);
      return false;
    });
    return [file, { ...top, rows }];
  });
  v = { tables: compileTables(files, g), gaps };
  compiled.set(key, v);
  return v;
}

/** The X217 response tables for a PAS version (default 2.2.1), compiled once; or the same rows against another response grammar (X215). */
export function responseTablesCompiled(version: PasVersion = '2.2.1', grammarId: string = RESPONSE_GRAMMAR): CompiledTables {
  return compileFor(version, grammarId).tables;
}

/** Whether the version's tables leave this place unread because the version has no place for it. */
export function gapOf(version: PasVersion, loop: string, segment: string, element: number): boolean {
  return compileFor(version).gaps.has(`${loop}/${segment}/${element}`);
}
