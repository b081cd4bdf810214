import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { requestToBundle } from '../../src/mapping/index.js';
import { transactions } from '../mapping/support.js';
import { cli, jsonLines, SAMPLES, tempDir, tree } from './support.js';

/** A directory of good, defective, gzipped, FHIR, 270 (not converted) and non-X12 inputs. */
function mixedArchive(): string {
  const dir = tempDir();
  const inDir = join(dir, 'in');
  mkdirSync(join(inDir, 'sub'), { recursive: true });
  copyFileSync(join(SAMPLES, 'batch-requests.x12'), join(inDir, 'good.x12'));
  // Three requests, the first with a wrong SE01.
  writeFileSync(join(inDir, 'sub', 'defective.x12'), readFileSync(join(SAMPLES, 'batch-requests.x12'), 'latin1').replace('SE*19*0001', 'SE*18*0001'), 'latin1');
  writeFileSync(join(inDir, 'sub', 'more.x12.gz'), gzipSync(readFileSync(join(SAMPLES, 'referral-request.x12'))));
  writeFileSync(join(inDir, 'notes.txt'), 'minutes of the meeting\n');
  // A PAS Request Bundle (made from a sample: the archive needs nothing from ../shared).
  writeFileSync(join(inDir, 'bundle.json'), JSON.stringify(requestToBundle(transactions(readFileSync(join(SAMPLES, 'referral-request.x12')))[0]!, { pasVersion: '2.2.1' }).bundle, null, 2));
  // A 270 in a HS group: framed and checked, but x12pas converts no 270.
  writeFileSync(join(inDir, 'eligibility.x12'), readFileSync(join(SAMPLES, 'referral-request.x12'), 'latin1').replace('GS*HI*', 'GS*HS*').replace('ST*278*', 'ST*270*'), 'latin1');
  return dir;
}

describe('x12pas convert over an archive', () => {
  it('accounts for every input of a mixed directory: exact counts, report lines, outputs per input, acknowledgments, exit 1', () => {
    const dir = mixedArchive();
    // Two workers asked for: inputs this small would convert on the main thread by default.
    const r = cli(['convert', '--workers', '2', '--out-dir', join(dir, 'out'), '--report', join(dir, 'report.ndjson'), '--ack-dir', join(dir, 'acks'), join(dir, 'in')]);
    expect(r.code).toBe(1);
    // 3 + 3 + 1 transaction sets, 1 bundle, 1 270, 1 file neither X12 nor FHIR: in = converted + rejected.
    expect(r.stderr).toMatch(/^x12pas convert: 10 transaction set\(s\) read: 7 converted, 3 rejected; 6 file\(s\), 4 interchange\(s\), [0-9,]+ bytes in [0-9.]+ s \([0-9,]+ transactions\/s, 2 worker thread\(s\)\)\n$/);
    const rejected = jsonLines(readFileSync(join(dir, 'report.ndjson'), 'utf8')).filter((l) => l.status === 'rejected');
    const at = (l: Record<string, unknown>): unknown[] => [
      (l.file as string).slice(dir.length + 1),
      l.offset,
      l.interchange,
      l.group,
      l.control,
      (l.findings as Array<{ code: string }>).map((f) => f.code),
    ];
    expect(rejected.map(at)).toEqual([
      ['in/eligibility.x12', 169, '000000101', '1', '0001', ['NOT_CONVERTED_YET']],
      ['in/notes.txt', 0, undefined, undefined, undefined, ['NOT_X12_OR_FHIR']],
      ['in/sub/defective.x12', 168, '000000104', '41', '0001', ['SE01_COUNT']],
    ]);
    const out = tree(join(dir, 'out'));
    expect(Object.keys(out)).toEqual(['bundle.x12', 'eligibility.ndjson', 'good.ndjson', join('sub', 'defective.ndjson'), join('sub', 'more.ndjson')]);
    const ids = (text: string): unknown[] => jsonLines(text).map((b) => (b.identifier as { value: string }).value);
    expect(ids(out['good.ndjson']!)).toEqual(['CLN20261123A1', 'CLN20261123C3', 'CLN20261123B7']);
    expect(ids(out[join('sub', 'defective.ndjson')]!)).toEqual(['CLN20261123C3', 'CLN20261123B7']);
    expect(ids(out[join('sub', 'more.ndjson')]!)).toHaveLength(1);
    expect(out['eligibility.ndjson']).toBe('');
    expect(out['bundle.x12']!.match(/^ST\*278\*/gm)).toHaveLength(1);
    // One acknowledgment per input interchange; the defective set is rejected in its 999.
    const acks = tree(join(dir, 'acks'));
    expect(Object.keys(acks)).toEqual(['eligibility.1.ack.x12', 'good.1.ack.x12', join('sub', 'defective.1.ack.x12'), join('sub', 'more.1.ack.x12')]);
    expect(acks[join('sub', 'defective.1.ack.x12')]).toContain('IK5*R*4~');
    expect(acks[join('sub', 'defective.1.ack.x12')]).toContain('AK9*P*2*2*1~');
    expect(acks['good.1.ack.x12']).toContain('AK9*A*2*2*2~');
  });

  it('gives the same outputs with one worker, two workers and none', () => {
    const dir = mixedArchive();
    const outs = ['0', '1', '2'].map((w) => {
      // Each run counts its control numbers in a file of its own, so they start alike.
      const r = cli(['convert', '-q', '--workers', w, '--control-file', join(dir, `control${w}.json`), '--out-dir', join(dir, `out${w}`), '--report', join(dir, `report${w}.ndjson`), join(dir, 'in')]);
      expect(r.code).toBe(1);
      // The interchange written from the FHIR input carries the time it was written (ISA09/ISA10, GS04/GS05).
      const out = tree(join(dir, `out${w}`));
      out['bundle.x12'] = out['bundle.x12']!.replace(/\*\d{6}\*\d{4}\*/, '*DATE*TIME*').replace(/\*\d{8}\*\d{4,8}\*/, '*DATE*TIME*');
      return [out, readFileSync(join(dir, `report${w}.ndjson`), 'utf8')];
    });
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
  });

  it('refuses to mix NDJSON and X12 on one output, --resume without --out-dir, and outputs it cannot write (exit 2)', () => {
    const dir = mixedArchive();
    const mixed = cli(['convert', join(dir, 'in', 'good.x12'), join(dir, 'in', 'bundle.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('would mix NDJSON and X12 on one output');
    expect(mixed.stdout).toBe('');
    expect(cli(['convert', '--resume', join(dir, 'in')]).code).toBe(2);
    expect(cli(['convert', '--workers', 'many', join(dir, 'in')]).code).toBe(2);
    expect(cli(['convert', join(dir, 'in', 'nothing-*.x12')]).code).toBe(2);
    // Outputs that cannot be written: status 2 with the reason, before any work.
    const noDir = cli(['convert', '-o', join(dir, 'missing', 'out.ndjson'), join(dir, 'in', 'good.x12')]);
    expect([noDir.code, noDir.stderr]).toEqual([2, expect.stringContaining('ENOENT')]);
    const notDir = cli(['convert', '--out-dir', join(dir, 'in', 'good.x12', 'out'), join(dir, 'in', 'good.x12')]);
    expect([notDir.code, notDir.stderr]).toEqual([2, expect.stringContaining('ENOTDIR')]);
  });

  it('reads globs (recursive **) and standard input (gzipped here)', () => {
    const dir = mixedArchive();
    const r = cli(['convert', '-o', join(dir, 'all.ndjson'), '--report', join(dir, 'r.ndjson'), `${dir}/in/**/*.x12*`]);
    // eligibility, good, sub/defective, sub/more.x12.gz: 8 sets, 6 converted.
    expect(r.stderr).toContain('8 transaction set(s) read: 6 converted, 2 rejected; 4 file(s)');
    expect(jsonLines(readFileSync(join(dir, 'all.ndjson'), 'utf8'))).toHaveLength(6);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const stdin = cli(['convert', '--report', join(dir, 'r2.ndjson'), '-'], {}, gzipSync(readFileSync(join(SAMPLES, 'batch-requests.x12'))));
    expect(stdin.code).toBe(0);
    expect(jsonLines(stdin.stdout)).toHaveLength(3);
    expect(stdin.stderr).toContain('3 transaction set(s) read: 3 converted, 0 rejected; 1 file(s), 1 interchange(s)');
    // FHIR on standard input (not looked at before the run) after X12 on the same output: rejected, not mixed in.
    const mixed = cli(['convert', '--report', join(dir, 'r3.ndjson'), join(dir, 'in', 'good.x12'), '-'], {}, readFileSync(join(dir, 'in', 'bundle.json')));
    expect(mixed.code).toBe(1);
    expect(jsonLines(mixed.stdout)).toHaveLength(3);
    expect(jsonLines(readFileSync(join(dir, 'r3.ndjson'), 'utf8')).filter((l) => l.status === 'rejected')).toEqual([
      { file: '-', offset: 0, status: 'rejected', findings: [expect.objectContaining({ code: 'MIXED_OUTPUT' })] },
    ]);
  });
});
