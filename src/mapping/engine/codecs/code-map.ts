import { readFileSync } from 'node:fs';
import { INVALID, type Codec } from './codec.js';

/** A FHIR coding as the code maps give it. */
export interface MappedCode {
  system?: string;
  code: string;
}

interface Row {
  x12: string;
  code: string;
  system?: string;
  /** When several X12 codes map to one FHIR code, the one written back. */
  preferred?: boolean;
}

/**
 * An X12 code <-> FHIR code table (data in `mappings/codes/`). Every X12 code maps to one FHIR
 * code; a FHIR code that several X12 codes share names the one it writes back (`preferred`), so
 * both directions are defined by the one table. A table that names `x12System` (the X12 code
 * system of its element, `https://codesystem.x12.org/005010/<element number>`) never refuses an
 * X12 code: one the table has no FHIR code for is carried as itself in that system (the X12Code
 * slices PAS defines), and a coding in that system is written back as its code.
 */
/** A code table's codec; `system` is the table's default system (what `map-code` rows write back in). */
export type CodeMapCodec = Codec<string, MappedCode> & { readonly system?: string; readonly x12System?: string };

export function compileCodeMap(raw: unknown, file: string): CodeMapCodec {
  const fail = (where: string, why: string): never => {
    throw new Error(`${file}: ${where}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('top', 'must be an object with "name" and "rows"');
  const o = raw as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name === '') fail('name', 'must be a non-empty string');
  if (!Array.isArray(o.rows) || o.rows.length === 0) fail('rows', 'must be a non-empty array');
  const defaultSystem = o.system === undefined ? undefined : typeof o.system === 'string' ? o.system : fail('system', 'must be a string');
  const x12System = o.x12System === undefined ? undefined : typeof o.x12System === 'string' && /^https:\/\/codesystem\.x12\.org\/005010\/\d+$/.test(o.x12System) ? o.x12System : fail('x12System', 'must be https://codesystem.x12.org/005010/<element number>');
  const byX12 = new Map<string, MappedCode>();
  const byFhir = new Map<string, { x12: string; preferred: boolean }>();
  (o.rows as unknown[]).forEach((r, i) => {
    const where = `rows[${i}]`;
    if (typeof r !== 'object' || r === null) fail(where, 'must be an object');
    const row = r as Partial<Row> & Record<string, unknown>;
    for (const k of Object.keys(row)) if (!['x12', 'code', 'system', 'preferred', 'label', '$comment'].includes(k)) fail(`${where}.${k}`, 'unknown field');
    if (typeof row.x12 !== 'string' || row.x12 === '') fail(`${where}.x12`, 'must be a non-empty string');
    if (typeof row.code !== 'string' || row.code === '') fail(`${where}.code`, 'must be a non-empty string');
    if (row.system !== undefined && typeof row.system !== 'string') fail(`${where}.system`, 'must be a string');
    if (row.preferred !== undefined && typeof row.preferred !== 'boolean') fail(`${where}.preferred`, 'must be true or false');
    const x12 = row.x12!;
    const system = row.system ?? defaultSystem;
    if (byX12.has(x12)) fail(`${where}.x12`, `X12 code ${x12} appears twice`);
    byX12.set(x12, system === undefined ? { code: row.code! } : { system, code: row.code! });
    const key = `${system ?? ''}|${row.code}`;
    const seen = byFhir.get(key);
    const preferred = row.preferred === true;
    if (seen === undefined) byFhir.set(key, { x12, preferred });
    else if (seen.preferred && preferred) fail(`${where}.preferred`, `code ${row.code} has two preferred X12 codes`);
    else if (preferred) byFhir.set(key, { x12, preferred });
    else if (!seen.preferred) byFhir.set(key, { x12: '', preferred: false }); // ambiguous until one is preferred
  });
  for (const [key, v] of byFhir) if (v.x12 === '') fail('rows', `FHIR code ${key} has several X12 codes and none is marked preferred`);
  // Codes of other FHIR systems written as an X12 code of the table (never read back as them): reported as lossy.
  const aliases = new Map<string, string>();
  if (o.aliases !== undefined) {
    if (!Array.isArray(o.aliases)) fail('aliases', 'must be an array of { system, code, x12 }');
    (o.aliases as unknown[]).forEach((a, i) => {
      const r = a as Record<string, unknown>;
      if (typeof r?.system !== 'string' || typeof r.code !== 'string' || typeof r.x12 !== 'string' || !byX12.has(r.x12)) fail(`aliases[${i}]`, 'needs system, code and an x12 code of the rows');
      aliases.set(`${r.system as string}|${r.code as string}`, r.x12 as string);
    });
  }
  const name = o.name as string;
  return {
    name,
    ...(defaultSystem !== undefined ? { system: defaultSystem } : {}),
    ...(x12System !== undefined ? { x12System } : {}),
    read: x12System === undefined ? (x) => byX12.get(x) ?? INVALID : (x) => byX12.get(x) ?? (x === '' ? INVALID : { system: x12System, code: x }),
    write: (f) => byFhir.get(`${f.system ?? ''}|${f.code}`)?.x12 ?? (x12System !== undefined && f.system === x12System && f.code !== '' ? f.code : INVALID),
    ...(aliases.size > 0
      ? {
          writeLossy: (f: MappedCode) => {
            const x = aliases.get(`${f.system ?? ''}|${f.code}`);
            return x === undefined ? INVALID : { x, lost: `FHIR code ${f.system ?? ''}#${f.code} (written as its X12 counterpart ${x}, which reads back as the X12 code)` };
          },
        }
      : {}),
    why: (x) => `${JSON.stringify(x)} is not a code of ${name}`,
  };
}

const cache = new Map<string, CodeMapCodec>();

/** Loads `mappings/codes/<name>.json` once. */
export function codeMap(name: string): CodeMapCodec {
  let c = cache.get(name);
  if (c === undefined) {
    const file = `mappings/codes/${name}.json`;
    c = compileCodeMap(JSON.parse(readFileSync(new URL(`../../../../${file}`, import.meta.url), 'utf8')), file);
    cache.set(name, c);
  }
  return c;
}

const X12_UNIT = /^[A-Z][A-Z0-9]{1,2}$/;

/**
 * A unit table (`mappings/codes/<name>.json`: `{ name, default, open?, units: { X12 code: [aliases] } }`):
 * an X12 unit code is written as it is; a UCUM or free-text unit (`visit`, `days`, `mL`) as the
 * X12 code it stands for, and any other as the default (`UN`), reported as lossy since the text
 * does not come back.
 */
export function unitCodec(name: string): Codec<string, string> {
  const file = `mappings/codes/${name}.json`;
  const raw = JSON.parse(readFileSync(new URL(`../../../../${file}`, import.meta.url), 'utf8')) as { default?: unknown; units?: unknown; open?: unknown };
  if (typeof raw.default !== 'string' || typeof raw.units !== 'object' || raw.units === null) throw new Error(`${file}: needs "default" and "units"`);
  const codes = new Set(Object.keys(raw.units));
  const alias = new Map<string, string>();
  for (const [x12, list] of Object.entries(raw.units as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new Error(`${file}: units.${x12} must be an array`);
    for (const a of list) alias.set(String(a).toLowerCase(), x12);
  }
  if (!codes.has(raw.default)) throw new Error(`${file}: default ${raw.default} is not one of its units`);
  const fallback = raw.default;
  // An open table also takes any other X12-shaped code (upper case, 2-3 characters) as it is, both ways.
  const known = raw.open === true ? (c: string): boolean => codes.has(c) || X12_UNIT.test(c) : (c: string): boolean => codes.has(c);
  return {
    name: `unit:${name}`,
    read: (x) => (known(x) ? x : INVALID),
    write: (f) => (known(f) ? f : INVALID),
    writeLossy: (f) => {
      const x = alias.get(f.trim().toLowerCase());
      return { x: x ?? fallback, lost: x !== undefined ? `unit text ${JSON.stringify(f)} (written as ${x})` : `unit ${JSON.stringify(f)}, which no X12 unit code stands for (written as ${fallback})` };
    },
    why: (x) => `${JSON.stringify(x)} is not a unit code of ${name}`,
  };
}
