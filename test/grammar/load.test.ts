import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileGrammar, compileStandard, GrammarError, grammarSet, loadGrammarSet, type LoopDef, type SegmentRow } from '../../src/grammar/index.js';

const DIR = fileURLToPath(new URL('../../mappings/grammar/', import.meta.url));
/** Grammar JSON edited by path in the tests. */
type Json = Record<string, any>;

/** The grammar directory copied to a temp dir, with one file changed; returns the error message of loading it. */
function loadBroken(name: string, change: (json: Json) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'x12pas-grammar-'));
  for (const f of readdirSync(DIR)) {
    const text = readFileSync(join(DIR, f), 'utf8');
    if (f !== name) {
      writeFileSync(join(dir, f), text);
      continue;
    }
    const json = JSON.parse(text) as Json;
    change(json);
    writeFileSync(join(dir, f), JSON.stringify(json));
  }
  try {
    loadGrammarSet(dir);
  } catch (e) {
    expect(e).toBeInstanceOf(GrammarError);
    return (e as Error).message.replaceAll(dir + '/', '');
  }
  throw new Error('loaded without error');
}

const REQ = '278-x217-request.json';
const EVENT = 4; // levels[4] is 2000E in the X217 files

describe('grammar tables', () => {
  it('load once: X217 and X215, request and response', () => {
    const set = grammarSet();
    expect(set).toBe(grammarSet());
    expect(set.grammars.map((g) => [g.id, g.implementations.join(), g.purpose.values.join()])).toEqual([
      ['278-x215-request', '005010X215', '13'],
      ['278-x215-response', '005010X215', '11'],
      ['278-x217-request', '005010X217', '01,13,36'],
      ['278-x217-response', '005010X217', '11'],
    ]);
    const req = set.byId('278-x217-request')!;
    expect(req.levels.map((l) => `${l.id}:${l.level}<${l.parents.join('|')}`)).toEqual(['2000A:20<', '2000B:21<20', '2000C:22<21', '2000D:23<22', '2000E:EV<22|23', '2000F:SS<EV']);
    expect([...req.loops.keys()]).toEqual(['2010A', '2000A', '2010B', '2000B', '2010C', '2000C', '2010D', '2000D', '2010EA', '2010EB', '2010EC', '2000E', '2010F', '2000F']);
  });

  it('name each use of a segment by its qualifier, and derive "not used" rows from the standard', () => {
    const event = grammarSet().byId('278-x217-request')!.loops.get('2000E')!;
    const rows = event.slots.filter((s): s is SegmentRow => s.kind === 'segment');
    expect(rows.filter((r) => r.segment === 'DTP').map((r) => r.name)).toEqual(['DTP*439', 'DTP*484', 'DTP*ABC', 'DTP*431', 'DTP*AAH', 'DTP*435', 'DTP*096']);
    expect(rows.filter((r) => r.implied).map((r) => r.name)).toEqual(['AAA', 'HCR', 'SV1', 'SV2', 'SV3', 'TOO', 'CR4', 'CR7', 'CR8']);
    expect(rows.find((r) => r.name === 'DTP*435')).toMatchObject({ usage: 'situational', max: 1, key: { element: 1, elementRef: '374' } });
    const loops = event.slots.filter((s): s is LoopDef => s.kind === 'loop');
    expect(loops.map((l) => [l.id, l.trigger.name, l.group])).toEqual([
      ['2010EA', 'NM1', 24],
      ['2010EB', 'NM1', 24],
      ['2010EC', 'NM1', 24],
    ]);
  });

  it('X215 grammars take the X217 rows they extend', () => {
    const set = grammarSet();
    const a = set.byId('278-x215-request')!;
    const b = set.byId('278-x217-request')!;
    expect(a.file).toBe('mappings/grammar/278-x215-request.json');
    expect([...a.loops.keys()]).toEqual([...b.loops.keys()]);
    expect(a.loops.get('2000E')!.slots.map((s) => (s.kind === 'segment' ? s.name : s.id))).toEqual(b.loops.get('2000E')!.slots.map((s) => (s.kind === 'segment' ? s.name : s.id)));
  });
});

describe('a broken grammar table fails with file, path and field', () => {
  it.each<[string, string, (j: Json) => void, string]>([
    ['a usage typo', REQ, (j) => (j.levels[EVENT].body[2].usage = 'mandatory'), `${REQ}: levels[4].body[2].usage: must be "required", "situational" or "not-used"`],
    ['an unknown field', REQ, (j) => (j.levels[0].body[0].maxx = 1), `${REQ}: levels[0].body[0].maxx: unknown field (allowed: segment, usage, max, label, key, elements, pairs)`],
    ['a missing label', REQ, (j) => delete j.levels[1].body[1].body[3].label, `${REQ}: levels[1].body[1].body[3].label: must be a non-empty string`],
    [
      'rows out of standard order',
      REQ,
      (j) => j.levels[EVENT].body.splice(1, 2, j.levels[EVENT].body[2], j.levels[EVENT].body[1]),
      `${REQ}: levels[4].body[2]: TRN is out of standard order: the standard (278-standard.json) puts it before UM`,
    ],
    [
      'two name loops claiming one NM101 value',
      REQ,
      (j) => j.levels[EVENT].body.find((b: Json) => b.loop === '2010EB').body[0].key.values.push('SJ'),
      `${REQ}: levels[4].body: NM1 value "SJ" is claimed by both loop 2010EA and loop 2010EB`,
    ],
    [
      'two uses of a segment without keys',
      REQ,
      (j) => delete j.levels[EVENT].body[3].key,
      `${REQ}: levels[4].body: REF has several uses here (row REF, row REF*NT): each needs a key`,
    ],
    ['a key on an element the segment lacks', REQ, (j) => (j.levels[EVENT].body[5].key.element = 9), `${REQ}: levels[4].body[5].key.element: DTP has no element 9`],
    ['a segment the standard loop lacks', REQ, (j) => (j.levels[EVENT].body[12].segment = 'CLM'), `${REQ}: levels[4].body[12].segment: CLM is not a segment of standard loop 2000 (278-standard.json)`],
    ['a max over the standard', REQ, (j) => (j.levels[EVENT].body[1].max = 10), `${REQ}: levels[4].body[1].max: 10 exceeds the standard's maximum 9 for TRN`],
    ['an unknown parent level', REQ, (j) => (j.levels[5].parents = ['EX']), `${REQ}: levels[5].parents[0]: no level "EX" in this grammar`],
    ['an HL level not starting with HL', REQ, (j) => j.levels[0].body.shift(), `${REQ}: levels[0].body[0]: a loop must start with a segment`],
    ['a broken standard', '278-standard.json', (j) => (j.loops['2010'].body[3].max = 0), '278-standard.json: loops.2010.body[3].max: must be a positive integer or ">1" (no limit)'],
    ['extends naming no file', '278-x215-request.json', (j) => (j.extends = 'nope.json'), '278-x215-request.json: extends: no grammar table "nope.json" in '],
    ['two grammars claiming one purpose code', '278-x215-request.json', (j) => (j.purpose.values = ['11']), '278-x215-response.json: purpose.values: 005010X215 BHT02 11 is claimed by'],
  ])('%s', (_what, file, change, message) => {
    expect(loadBroken(file, change)).toContain(message);
  });

  it('an inherited row is blamed on the file that holds it', () => {
    // 278-x215-request.json extends the X217 request and is compiled after it.
    expect(loadBroken(REQ, (j) => (j.levels[2].level = 'ZZ'))).toMatch(/^278-x217-request\.json: levels\[3\]\.parents\[0\]: no level "22"/);
  });

  it('invalid JSON names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-grammar-'));
    writeFileSync(join(dir, 'bad.json'), '{ "levels": [');
    expect(() => loadGrammarSet(dir)).toThrow(/bad\.json: not valid JSON/);
  });

  it('compileGrammar and compileStandard work on objects too', () => {
    const std = compileStandard(JSON.parse(readFileSync(join(DIR, '278-standard.json'), 'utf8')), 'std.json');
    const raw = JSON.parse(readFileSync(join(DIR, REQ), 'utf8')) as Json;
    expect(compileGrammar(raw, 'x.json', std).id).toBe('278-x217-request');
    raw.header[1].segment = 'HL';
    expect(() => compileGrammar(raw, 'x.json', std)).toThrow('x.json: header[1].segment: HL is not a segment of standard loop header (std.json)');
  });
});
