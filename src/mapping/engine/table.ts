import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grammarSet, type Grammar, type LoopDef, type SegmentRow } from '../../grammar/index.js';
import { getSegmentDef } from '../../x12/dictionary.js';
import {
  INVALID,
  codeMap,
  unitCodec,
  count,
  d8,
  dateTimeUtc,
  decimal,
  personName,
  postalCode,
  icd10,
  icd9,
  npi,
  rd8,
  text,
  trnOrg,
  ndc,
  yesNo,
  type Codec,
} from './codecs/index.js';
import { parsePath, type Path } from './path.js';
import { compileReader, compileSegmentReader, type ReaderSpec } from './row-reader.js';

/**
 * The resources a row can write into; the assembler turns them into bundle entries. Request roles
 * first; then the response roles (mappings/response/): `ClaimResponse`, `ResponseItem` (the current
 * 2000F's ClaimResponse.item, or the 2000E template), `AddItem` (the authorized version of a
 * modified item), `Note` (a MSG, made a processNote) and `AuthorizedProvider` (a 2010EA/2010FA
 * extension-itemAuthorizedProvider; the resource it names is `Provider`), `CommunicationRequest`
 * (one per response PWK: the documentation the UMO asks for).
 */
export { ROLES, ROLE, type Role, type ReadTarget, type RowReader, type RowSpec } from './row-spec.js';
import { ROLES, ROLE, type Role, type RowReader, type RowSpec } from './row-spec.js';

export class MappingTableError extends Error {
  override name = 'MappingTableError';
}

type Obj = Record<string, unknown>;

export interface CompiledRow {
  readonly id: string;
  readonly file: string;
  readonly row: SegmentRow;
  readonly read: RowReader;
  readonly spec: RowSpec;
}

/** All rows of a table set, grouped by the grammar row (segment use) they read. */
export interface CompiledTables {
  readonly grammar: Grammar;
  /** Per segment use: its readers and the elements read by structure (qualifiers, consumed elements). */
  readonly plans: ReadonlyMap<SegmentRow, SegmentPlan>;
  readonly rows: readonly CompiledRow[];
  /** Per segment use: constants of consumed elements (`value`), written back as they are. */
  readonly constants: ReadonlyMap<SegmentRow, ReadonlyArray<readonly [element: number, value: string]>>;
}

export interface SegmentPlan {
  readonly readers: readonly RowReader[];
  /** Elements that count as read whenever the segment is present (its key qualifier, consumed elements). */
  readonly consumed: number;
  /** All the readers and `consumed` as one function: the mask of the elements read. */
  readonly read: RowReader;
  /**
   * Consumed elements the writer writes as a constant (and a key qualifier no row reads, written as
   * its first value): any other value there does not come back, so the reader reports it.
   */
  readonly fixed: ReadonlyArray<readonly [element: number, value: string]>;
  /**
   * Composite elements only some of whose components rows read: element -> bit mask of the
   * components read (bit c for component c). Other non-empty components are reported.
   */
  readonly partial: ReadonlyArray<readonly [element: number, components: number]>;
}

interface AnyCodec {
  readonly codec: Codec<unknown, unknown>;
  /** 1 for one element; n for codecs over an element tuple (person name: 5, date+time: 2). */
  readonly arity: number;
}

const FIXED_CODECS: ReadonlyMap<string, AnyCodec> = new Map<string, AnyCodec>([
  ['string', { codec: text as Codec<unknown, unknown>, arity: 1 }],
  ['date-d8', { codec: d8 as Codec<unknown, unknown>, arity: 1 }],
  ['date-rd8', { codec: rd8 as Codec<unknown, unknown>, arity: 1 }],
  ['decimal', { codec: decimal as Codec<unknown, unknown>, arity: 1 }],
  ['count', { codec: count as Codec<unknown, unknown>, arity: 1 }],
  ['postal-code', { codec: postalCode as Codec<unknown, unknown>, arity: 1 }],
  ['person-name', { codec: personName as unknown as Codec<unknown, unknown>, arity: 5 }],
  ['icd10-dotted', { codec: icd10 as Codec<unknown, unknown>, arity: 1 }],
  ['icd9-dotted', { codec: icd9 as Codec<unknown, unknown>, arity: 1 }],
  ['yes-no', { codec: yesNo as unknown as Codec<unknown, unknown>, arity: 1 }],
  ['npi', { codec: npi as Codec<unknown, unknown>, arity: 1 }],
  ['urn-trnorg', { codec: trnOrg as Codec<unknown, unknown>, arity: 1 }],
  ['ndc11', { codec: ndc as Codec<unknown, unknown>, arity: 1 }],
  ['datetime-d8-tm', { codec: dateTimeUtc as unknown as Codec<unknown, unknown>, arity: 2 }],
]);

/** `map:<name>` gives the coding ({system, code}); `map-code:<name>` just the code. */
function resolveCodec(name: string): AnyCodec | string {
  const fixed = FIXED_CODECS.get(name);
  if (fixed !== undefined) return fixed;
  const u = /^unit:([a-z0-9-]+)$/.exec(name);
  if (u !== null) {
    try {
      return { codec: unitCodec(u[1]!) as Codec<unknown, unknown>, arity: 1 };
    } catch (e) {
      return `unit table ${u[1]}: ${(e as Error).message}`;
    }
  }
  const m = /^(map|map-code):([a-z0-9-]+)$/.exec(name);
  if (m === null) return `unknown codec ${JSON.stringify(name)} (known: ${[...FIXED_CODECS.keys()].join(', ')}, map:<code table>, map-code:<code table>, unit:<unit table>)`;
  let c: Codec<string, { system?: string; code: string }> & { readonly system?: string; readonly x12System?: string };
  try {
    c = codeMap(m[2]!);
  } catch (e) {
    return `code table ${m[2]}: ${(e as Error).message}`;
  }
  if (m[1] === 'map') return { codec: c as Codec<unknown, unknown>, arity: 1 };
  const codeOnly: Codec<string, string> = {
    name,
    read: (x) => {
      const v = c.read(x);
      // A code carried in its X12 system (no FHIR code for it) has no place where only the code is written.
      return v === INVALID || (c.x12System !== undefined && v.system === c.x12System && c.system !== c.x12System) ? INVALID : v.code;
    },
    // The code alone is written back in the table's own system.
    write: (f) => c.write(c.system !== undefined ? { system: c.system, code: f } : { code: f }),
    why: c.why,
  };
  return { codec: codeOnly as Codec<unknown, unknown>, arity: 1 };
}

const ROW_KEYS = ['id', '$comment', 'x12', 'fhir', 'codec', 'set', 'direction'];
const X12_KEYS = ['loop', 'segment', 'element', 'elements', 'each', 'component', 'when', 'required', 'default'];
const WHEN_KEYS = ['element', 'component', 'value', 'values'];
const FHIR_KEYS = ['resource', 'path', 'type'];
const CONSUMED_KEYS = ['loop', 'segment', 'element', 'value', '$comment'];
const FILE_KEYS = ['$comment', 'rows', 'consumed'];

interface Place {
  loop: LoopDef;
  row: SegmentRow;
}

function isPosInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

/**
 * Validates and compiles mapping tables (`{ rows: [...], consumed?: [...] }` per file) against a
 * grammar, the segment dictionary and the codecs. Throws MappingTableError naming file, row id and
 * field on the first problem.
 */
export function compileTables(files: ReadonlyArray<readonly [file: string, raw: unknown]>, grammar: Grammar): CompiledTables {
  const readers = new Map<SegmentRow, RowReader[]>();
  const consumed = new Map<SegmentRow, number>();
  const constants = new Map<SegmentRow, Array<readonly [number, string]>>();
  const rows: CompiledRow[] = [];
  const ids = new Map<string, string>();
  const x12Places = new Map<string, string>();
  const fhirPlaces = new Map<string, string>();

  for (const [file, raw] of files) {
    const fail = (where: string, why: string): never => {
      throw new MappingTableError(`${file}: ${where}: ${why}`);
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('(top)', 'must be an object with "rows"');
    const top = raw as Obj;
    for (const k of Object.keys(top)) if (!FILE_KEYS.includes(k)) fail(k, 'unknown field');
    if (!Array.isArray(top.rows)) fail('rows', 'must be an array');

    const place = (x: Obj, where: string): Place => {
      const loopId = x.loop;
      if (typeof loopId !== 'string') return fail(`${where}.loop`, 'must be a string (a grammar loop id, or "header")');
      const loop = loopId === 'header' ? grammar.header : grammar.loops.get(loopId);
      if (loop === undefined) return fail(`${where}.loop`, `no loop ${JSON.stringify(loopId)} in grammar ${grammar.id}`);
      const seg = x.segment;
      if (typeof seg !== 'string') return fail(`${where}.segment`, 'must be a string (a segment use such as "DTP*435" or "NM1")');
      let row: SegmentRow | undefined;
      for (const s of loop.slots) if (s.kind === 'segment' && (s.name === seg || (s.segment === seg && s.key === null))) row = s;
      if (row === undefined) return fail(`${where}.segment`, `loop ${loopId} has no segment use ${JSON.stringify(seg)}`);
      return { loop, row };
    };
    const checkElement = (row: SegmentRow, e: unknown, c: unknown, where: string): void => {
      const def = getSegmentDef(row.segment);
      if (def === undefined) return void fail(where, `segment ${row.segment} is not in the segment dictionary`);
      if (!isPosInt(e) || e > def.elements.length || e > 30) return void fail(`${where}.element`, `${JSON.stringify(e)}: ${row.segment} has elements 1..${def.elements.length}`);
      const ed = def.elements[e - 1]!;
      if (c === undefined) return;
      if (ed.composite === null) return void fail(`${where}.component`, `${row.segment}${String(e).padStart(2, '0')} is not a composite`);
      if (!isPosInt(c) || c > ed.composite.components.length) return void fail(`${where}.component`, `${JSON.stringify(c)}: ${ed.composite.id} has components 1..${ed.composite.components.length}`);
    };

    if (top.consumed !== undefined) {
      if (!Array.isArray(top.consumed)) fail('consumed', 'must be an array');
      (top.consumed as unknown[]).forEach((c, i) => {
        const where = `consumed[${i}]`;
        if (typeof c !== 'object' || c === null) return fail(where, 'must be an object');
        const o = c as Obj;
        for (const k of Object.keys(o)) if (!CONSUMED_KEYS.includes(k)) fail(`${where}.${k}`, 'unknown field');
        const p = place(o, where);
        checkElement(p.row, o.element, undefined, where);
        if (o.value !== undefined) {
          if (typeof o.value !== 'string' || o.value === '') fail(`${where}.value`, 'must be a non-empty string (the constant written back)');
          const list = constants.get(p.row) ?? [];
          list.push([o.element as number, o.value as string]);
          constants.set(p.row, list);
        }
        consumed.set(p.row, (consumed.get(p.row) ?? 0) | (1 << (o.element as number)));
      });
    }

    (top.rows as unknown[]).forEach((r, i) => {
      const rawId = typeof r === 'object' && r !== null ? (r as Obj).id : undefined;
      const id = typeof rawId === 'string' && rawId !== '' ? rawId : `rows[${i}]`;
      const where = `row ${id}`;
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return fail(where, 'must be an object');
      const o = r as Obj;
      if (typeof rawId !== 'string' || rawId === '') fail(`${where}: id`, 'must be a non-empty string');
      const prev = ids.get(id);
      if (prev !== undefined) fail(`${where}: id`, `already used in ${prev}`);
      ids.set(id, file);
      for (const k of Object.keys(o)) if (!ROW_KEYS.includes(k)) fail(`${where}: ${k}`, 'unknown field');
      if (typeof o.x12 !== 'object' || o.x12 === null) fail(`${where}: x12`, 'must be an object');
      if (typeof o.fhir !== 'object' || o.fhir === null) fail(`${where}: fhir`, 'must be an object');
      const x = o.x12 as Obj;
      const f = o.fhir as Obj;
      for (const k of Object.keys(x)) if (!X12_KEYS.includes(k)) fail(`${where}: x12.${k}`, 'unknown field');
      for (const k of Object.keys(f)) if (!FHIR_KEYS.includes(k)) fail(`${where}: fhir.${k}`, 'unknown field');
      const p = place(x, `${where}: x12`);

      // Codec and the elements it reads.
      if (typeof o.codec !== 'string') fail(`${where}: codec`, 'must be a string');
      const codec = resolveCodec(o.codec as string);
      if (typeof codec === 'string') return fail(`${where}: codec`, codec);
      const forms = [x.element !== undefined, x.elements !== undefined, x.each !== undefined].filter(Boolean).length;
      if (forms !== 1) fail(`${where}: x12.element`, 'give exactly one of element, elements (a tuple codec) or each ([from, to], a repeated element)');
      let positions: number[];
      let each = false;
      if (x.elements !== undefined) {
        if (!Array.isArray(x.elements)) return fail(`${where}: x12.elements`, 'must be an array of element positions');
        positions = x.elements as number[];
        if (positions.length !== codec.arity) fail(`${where}: x12.elements`, `codec ${o.codec as string} reads ${codec.arity} element(s), not ${positions.length}`);
        if (x.component !== undefined) fail(`${where}: x12.component`, 'not with elements');
        for (const e of positions) checkElement(p.row, e, undefined, `${where}: x12`);
      } else {
        if (codec.arity !== 1) fail(`${where}: x12.element`, `codec ${o.codec as string} reads ${codec.arity} elements: give x12.elements`);
        if (x.each !== undefined) {
          const r2 = x.each;
          if (!Array.isArray(r2) || r2.length !== 2 || !isPosInt(r2[0]) || !isPosInt(r2[1]) || r2[0] > r2[1]) return fail(`${where}: x12.each`, 'must be [from, to] element positions');
          positions = [];
          for (let e = r2[0] as number; e <= (r2[1] as number); e++) positions.push(e);
          each = true;
        } else positions = [x.element as number];
        for (const e of positions) checkElement(p.row, e, x.component, `${where}: x12`);
      }
      const component = x.component === undefined ? 0 : (x.component as number);

      // Condition on a sibling element (or, with each, on a component of the same element).
      let when: { element: number; component: number; values: readonly string[] } | null = null;
      if (x.when !== undefined) {
        if (typeof x.when !== 'object' || x.when === null) return fail(`${where}: x12.when`, 'must be an object');
        const w = x.when as Obj;
        for (const k of Object.keys(w)) if (!WHEN_KEYS.includes(k)) fail(`${where}: x12.when.${k}`, 'unknown field');
        const values = w.values !== undefined ? w.values : w.value !== undefined ? [w.value] : undefined;
        if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) return fail(`${where}: x12.when.value`, 'give value (a string) or values (strings)');
        if (w.element === undefined && !each) fail(`${where}: x12.when.element`, 'required unless the row uses each');
        if (w.element !== undefined) checkElement(p.row, w.element, w.component, `${where}: x12.when`);
        when = { element: (w.element as number | undefined) ?? 0, component: (w.component as number | undefined) ?? 0, values: values as string[] };
      }

      // FHIR place.
      if (typeof f.resource !== 'string' || !(ROLES as readonly string[]).includes(f.resource)) fail(`${where}: fhir.resource`, `must be one of ${ROLES.join(', ')}`);
      if (typeof f.path !== 'string') fail(`${where}: fhir.path`, 'must be a string');
      if (f.type !== undefined && (typeof f.type !== 'string' || !/^[A-Z][A-Za-z]+$/.test(f.type))) fail(`${where}: fhir.type`, 'must be a FHIR resource type');
      const path = parsePath(f.path as string);
      if (typeof path === 'string') return fail(`${where}: fhir.path`, path);
      if (path.some((s) => s.kind === 'each') !== each) fail(`${where}: fhir.path`, each ? 'a row with x12.each needs a [*] step' : '[*] needs x12.each');
      const sets: Array<[Path, unknown]> = [];
      if (o.set !== undefined) {
        if (typeof o.set !== 'object' || o.set === null || Array.isArray(o.set)) return fail(`${where}: set`, 'must be an object of path: constant');
        for (const [k, v] of Object.entries(o.set as Obj)) {
          const sp = parsePath(k);
          if (typeof sp === 'string') return fail(`${where}: set.${k}`, sp);
          sets.push([sp, v]);
        }
      }
      if (x.required !== undefined && typeof x.required !== 'boolean') fail(`${where}: x12.required`, 'must be true or false');
      if (x.default !== undefined && (typeof x.default !== 'string' || x.default === '' || codec.arity !== 1 || each)) fail(`${where}: x12.default`, 'must be a non-empty string, on a one-element row');
      if (o.direction !== undefined && o.direction !== 'read' && o.direction !== 'write') fail(`${where}: direction`, '"read" (a row that is not written back) or "write" (a row that is not read)');

      // Two rows on one place.
      const whenKey = when === null ? '' : `?${when.element}.${when.component}=${when.values.join('|')}`;
      if (o.direction === undefined) {
        const xk = `${p.loop.id}/${p.row.name}/${positions.join(',')}.${component}${whenKey}`;
        const px = x12Places.get(xk);
        if (px !== undefined) fail(`${where}: x12`, `row ${px} already reads and writes this X12 place`);
        x12Places.set(xk, id);
      }
      // Per segment use: rows of different loops or segments (2000E UM and 2000F UM, SV1 and SV2) may fill the same field.
      const fk = `${p.loop.id}/${p.row.name}:${f.resource as string}/${f.path as string}${whenKey}${f.type !== undefined ? `@${f.type as string}` : ''}${o.direction === 'write' ? `!${JSON.stringify(o.set ?? null)}` : ''}`;
      const pf = fhirPlaces.get(fk);
      if (pf !== undefined) fail(`${where}: fhir`, `row ${pf} already writes this FHIR place`);
      fhirPlaces.set(fk, id);

      const reader = compileReader({ id, role: ROLE[f.resource as Role], type: (f.type as string | undefined) ?? null, positions, component, each, when, codec: codec.codec, arity: codec.arity, path, sets });
      const spec: RowSpec = {
        loop: p.loop,
        positions,
        component,
        each,
        when,
        codec: codec.codec,
        arity: codec.arity,
        role: f.resource as Role,
        type: (f.type as string | undefined) ?? null,
        path,
        sets,
        writes: o.direction !== 'read',
        reads: o.direction !== 'write',
        required: x.required === true,
        default: typeof x.default === 'string' ? x.default : null,
      };
      rows.push({ id, file, row: p.row, read: reader, spec });
      if (!spec.reads) return;
      const list = readers.get(p.row) ?? [];
      list.push(reader);
      readers.set(p.row, list);
    });
  }

  const plans = new Map<SegmentRow, SegmentPlan>();
  const specsOf = (row: SegmentRow): ReaderSpec[] => rows.filter((r) => r.row === row && r.spec.reads).map((r) => ({ ...r.spec, id: r.id, role: ROLE[r.spec.role] }));
  const all = new Set<SegmentRow>([...readers.keys(), ...consumed.keys()]);
  for (const row of all) {
    const key = row.key !== null ? 1 << row.key.element : 0;
    const fixed: Array<readonly [number, string]> = [...(constants.get(row) ?? [])];
    const k = row.key;
    if (k !== null && k.component === 0 && !fixed.some(([e]) => e === k.element) && !rows.some((r) => r.row === row && (r.spec.positions.includes(k.element) || r.spec.when?.element === k.element))) fixed.push([k.element, k.values[0]!]);
    // Components read per element: a row without a component reads the whole element.
    const comps = new Map<number, number>();
    const whole = new Set<number>();
    if (k !== null && k.component > 0) comps.set(k.element, (comps.get(k.element) ?? 0) | (1 << k.component));
    for (const r of rows) {
      if (r.row !== row || !r.spec.reads) continue;
      const sp = r.spec;
      for (const e of sp.positions) {
        if (sp.component === 0) whole.add(e);
        else comps.set(e, (comps.get(e) ?? 0) | (1 << sp.component));
        const w = sp.when;
        if (w !== null && w.component > 0 && (w.element === 0 || w.element === e)) comps.set(e, (comps.get(e) ?? 0) | (1 << w.component));
      }
      const w = sp.when;
      if (w !== null && w.element > 0 && w.component > 0 && !sp.positions.includes(w.element)) comps.set(w.element, (comps.get(w.element) ?? 0) | (1 << w.component));
    }
    const partial = [...comps].filter(([e]) => !whole.has(e));
    plans.set(row, { readers: readers.get(row) ?? [], consumed: key | (consumed.get(row) ?? 0), fixed, partial, read: compileSegmentReader(specsOf(row), key | (consumed.get(row) ?? 0)) });
  }
  return { grammar, plans, rows, constants };
}

const REQUEST_DIR = fileURLToPath(new URL('../../../mappings/request/', import.meta.url));

/** Reads every `*.json` of a directory of mappings/ as tables (sorted by name), named relative to the repository (`mappings/<dir>/<file>`). */
export function readTableFiles(dir: string): Array<[string, unknown]> {
  const folder = basename(dir.replace(/[\\/]+$/, ''));
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const file = `mappings/${folder}/${n}`;
      try {
        return [file, JSON.parse(readFileSync(join(dir, n), 'utf8'))] as [string, unknown];
      } catch (e) {
        throw new MappingTableError(`${file}: not valid JSON: ${(e as Error).message}`);
      }
    });
}

/** The request rows compiled against each grammar that reads them, once each. */
const requestRowsBy = new Map<string, CompiledTables>();

function requestRowsAgainst(grammarId: string): CompiledTables {
  let t = requestRowsBy.get(grammarId);
  if (t === undefined) {
    const g = grammarSet().byId(grammarId);
    if (g === undefined) throw new MappingTableError(`grammar ${grammarId} not found`);
    requestRowsBy.set(grammarId, (t = compileTables(readTableFiles(REQUEST_DIR), g)));
  }
  return t;
}

let requestTables: CompiledTables | undefined;

/** The X217 request tables (`mappings/request/`), compiled once. */
export function requestTablesCompiled(): CompiledTables {
  return (requestTables ??= requestRowsAgainst('278-x217-request'));
}

/**
 * The X215 inquiry tables: the request rows (`mappings/request/`) compiled against the
 * `278-x215-request` grammar. The inquiry is shaped like the request and PAS gives it the same
 * Claim fields, so one table serves both (the grammar decides what a 278 may hold).
 */
export function inquiryTablesCompiled(): CompiledTables {
  return requestRowsAgainst('278-x215-request');
}
