import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globBase, globRegExp } from '../../src/pipeline/glob.js';
import { expandInputs, stripExtensions } from '../../src/pipeline/inputs.js';
import { kindOf } from '../../src/pipeline/open-input.js';
import { tempDir } from './support.js';

describe('inputs', () => {
  it('globs match within one path part (*, ?, [...]) or across parts (**)', () => {
    const re = globRegExp('in/**/*.x12');
    expect(['in/a.x12', 'in/b/c.x12', 'in/b/d/e.x12'].filter((p) => re.test(p))).toHaveLength(3);
    expect(['in/a.x12.gz', 'out/a.x12', 'in/ax12'].filter((p) => re.test(p))).toEqual([]);
    expect(globRegExp('f?[0-9].edi').test('fa7.edi')).toBe(true);
    expect(globRegExp('f?[!0-9].edi').test('fa7.edi')).toBe(false);
    expect(globRegExp('a+b(1).x12').test('a+b(1).x12')).toBe(true);
    expect([globBase('in/**/*.x12'), globBase('*.x12'), globBase('/data/x/*.gz')]).toEqual(['in', '.', '/data/x']);
  });

  it('expands directories recursively in name order, hidden entries skipped; names lose their extensions', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'b'));
    mkdirSync(join(dir, '.hidden'));
    for (const f of ['z.x12', 'a.edi', 'b/c.x12.gz', '.hidden/h.x12', 'b/.d.x12']) writeFileSync(join(dir, f), 'x');
    expect(expandInputs([dir]).map((i) => i.name)).toEqual(['a', 'b/c', 'z']);
    expect(expandInputs([join(dir, 'z.x12'), '-']).map((i) => [i.name, i.size])).toEqual([['z', 1], ['stdin', 0]]);
    expect(expandInputs([`${dir}/**/*.x12*`]).map((i) => i.name)).toEqual(['b/c', 'z']);
    expect(() => expandInputs([join(dir, 'none.x12')])).toThrow(/ENOENT/);
    // An output directory inside the input directory is not read again.
    expect(expandInputs([dir], [join(dir, 'b')]).map((i) => i.name)).toEqual(['a', 'z']);
    expect([stripExtensions('claims.x12.gz'), stripExtensions('x.ndjson'), stripExtensions('README')]).toEqual(['claims', 'x', 'README']);
  });

  it('tells X12, FHIR JSON and anything else apart by their first bytes', () => {
    const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
    expect(kindOf(b('\ufeff  {"resourceType":"Bundle"}'.replace('\ufeff', '\xef\xbb\xbf')))).toBe('fhir');
    expect(kindOf(b('ISA*00*          *'))).toBe('x12');
    expect(kindOf(b('header text\r\nISA|00|'))).toBe('x12');
    expect(kindOf(b('ISAAC NEWTON wrote this'))).toBe('unknown');
    expect(kindOf(b(''))).toBe('unknown');
  });
});
