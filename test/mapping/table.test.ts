import { describe, expect, it } from 'vitest';
import { grammarSet } from '../../src/grammar/index.js';
import { compileTables, MappingTableError, requestTablesCompiled } from '../../src/mapping/index.js';

const grammar = grammarSet().byId('278-x217-request')!;
const good = { id: 'umo-name', x12: { loop: '2010A', segment: 'NM1', element: 3 }, fhir: { resource: 'Insurer', path: 'name' }, codec: 'string' };

function load(rows: unknown[], extra: Record<string, unknown> = {}): void {
  compileTables([['mappings/request/t.json', { rows, ...extra }]], grammar);
}

/** Compiling `row` (a change of the good row) fails with a message naming file, row and field. */
function rejects(change: Record<string, unknown>, message: RegExp): void {
  const row = { ...good, ...change };
  expect(() => load([row])).toThrow(MappingTableError);
  expect(() => load([row])).toThrow(message);
}

describe('mapping tables: load checks', () => {
  it('the shipped request tables compile', () => {
    const t = requestTablesCompiled();
    expect(t.rows.length).toBeGreaterThan(60);
    expect(new Set(t.rows.map((r) => r.id)).size).toBe(t.rows.length);
    expect(() => load([good])).not.toThrow();
  });

  it('names file, row id and field', () => {
    rejects({ x12: { ...good.x12, loop: '2010Z' } }, /^mappings\/request\/t\.json: row umo-name: x12\.loop: no loop "2010Z"/);
    rejects({ x12: { ...good.x12, segment: 'DTP*435' } }, /t\.json: row umo-name: x12\.segment: loop 2010A has no segment use "DTP\*435"/);
    rejects({ x12: { ...good.x12, element: 13 } }, /t\.json: row umo-name: x12\.element: 13: NM1 has elements 1\.\.\d+/);
    rejects({ x12: { ...good.x12, component: 1 } }, /row umo-name: x12\.component: NM103 is not a composite/);
    rejects({ codec: 'date-d9' }, /row umo-name: codec: unknown codec "date-d9"/);
    rejects({ codec: 'map:no-such-table' }, /row umo-name: codec: code table no-such-table/);
    rejects({ codec: 'person-name' }, /row umo-name: x12\.element: codec person-name reads 5 elements/);
    rejects({ fhir: { resource: 'Payer', path: 'name' } }, /row umo-name: fhir\.resource: must be one of/);
    rejects({ fhir: { resource: 'Insurer', path: 'name..x' } }, /row umo-name: fhir\.path: "" is not a path step/);
    rejects({ fhir: { resource: 'Insurer', path: 'name', type: 'organization' } }, /row umo-name: fhir\.type: must be a FHIR resource type/);
    rejects({ colour: 'red' }, /row umo-name: colour: unknown field/);
    rejects({ x12: { ...good.x12, qualifier: 'PI' } }, /row umo-name: x12\.qualifier: unknown field/);
    rejects({ x12: { ...good.x12, when: { element: 8 } } }, /row umo-name: x12\.when\.value: give value/);
    rejects({ direction: 'both' }, /row umo-name: direction:/);
    rejects({ id: '' }, /row rows\[0\]: id: must be a non-empty string/);
  });

  it('rejects two rows on one X12 place, one FHIR place, or one id', () => {
    const other = { ...good, id: 'other', fhir: { resource: 'Insurer', path: 'alias[0]' } };
    expect(() => load([good, other])).toThrow(/row other: x12: row umo-name already reads and writes this X12 place/);
    expect(() => load([good, { ...other, direction: 'read' }])).not.toThrow();
    // A write-only row is another way to fill a place a reading row reads (a UCUM unit), on the same FHIR place with other constants.
    const alsoWrites = { ...good, id: 'also', direction: 'write', set: { 'name': 'X' } };
    expect(() => load([good, alsoWrites])).not.toThrow();
    const t = compileTables([['mappings/request/t.json', { rows: [good, alsoWrites] }]], grammar);
    expect(t.rows.map((r) => [r.id, r.spec.reads, r.spec.writes])).toEqual([['umo-name', true, true], ['also', false, true]]);
    expect([...t.plans.values()].map((p) => p.readers.length)).toEqual([1]);
    const sameFhir = { ...good, id: 'other', x12: { ...good.x12, element: 9 } };
    expect(() => load([good, sameFhir])).toThrow(/row other: fhir: row umo-name already writes this FHIR place/);
    expect(() => load([good, { ...good, x12: { ...good.x12, element: 9 } }])).toThrow(/row umo-name: id: already used in mappings\/request\/t\.json/);
  });

  it('checks consumed entries and the file shape', () => {
    expect(() => load([], { consumed: [{ loop: '2010A', segment: 'NM1', element: 99 }] })).toThrow(/t\.json: consumed\[0\]\.element: 99/);
    expect(() => load([], { extra: 1 })).toThrow(/t\.json: extra: unknown field/);
    expect(() => compileTables([['t.json', []]], grammar)).toThrow(/t\.json: \(top\)/);
  });
});
