/**
 * `inspect` and `validate` take what `convert` takes (files, directories, globs, `-`, gzip),
 * run as real processes: every bundle of an NDJSON file is checked past a broken line, X12 lines
 * name interchange and group as inspect's do, an unreadable input costs only itself, `-q` leaves
 * standard error empty, and validate needs no FHIR package cache.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, jsonLines, SAMPLES, tempDir } from '../pipeline/support.js';

/** PAS bundles (NDJSON) converted from a sample. */
function bundlesOf(sample: string, pas = '2.2.1'): string[] {
  const r = cli(['convert', '-q', '--report', '/dev/null', '--pas', pas, join(SAMPLES, sample)]);
  expect(r.code).toBe(0);
  return r.stdout.trim().split('\n');
}

/** Standard error without the summary line. */
const notSummary = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '' && !/^x12pas (validate|inspect): \d+ file/.test(l));

describe('validate: every kind of input convert takes', () => {
  const dir = tempDir();
  const requests = bundlesOf('batch-requests.x12');
  mkdirSync(join(dir, 'in', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'in', 'a.x12'), readFileSync(join(SAMPLES, 'referral-request.x12')));
  writeFileSync(join(dir, 'in', 'sub', 'bundles.ndjson.gz'), gzipSync(`${requests.join('\n')}\n`));
  writeFileSync(join(dir, 'in', 'sub', 'batch.x12.gz'), gzipSync(readFileSync(join(SAMPLES, 'batch-requests.x12'))));
  writeFileSync(join(dir, 'in', '.hidden.x12'), 'not read');

  it('a directory, read recursively: X12, gzipped X12 and gzipped NDJSON, each by content', () => {
    const r = cli(['validate', join(dir, 'in')]);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const where = (l: Record<string, unknown>): string => String(l.file).slice(dir.length + 1);
    expect(lines.map((l) => [where(l), l.control ?? l.bundle, l.valid])).toEqual([
      ['in/a.x12', '0001', true],
      ['in/sub/batch.x12.gz', '0001', true],
      ['in/sub/batch.x12.gz', '0002', true],
      ['in/sub/batch.x12.gz', '0001', true],
      ['in/sub/bundles.ndjson.gz', 1, true],
      ['in/sub/bundles.ndjson.gz', 2, true],
      ['in/sub/bundles.ndjson.gz', 3, true],
    ]);
    expect(r.stderr).toBe('x12pas validate: 3 file(s), 7 checked, 7 valid, 0 with errors\n');
  });

  it('a glob, and standard input (gzipped too)', () => {
    const g = cli(['validate', '-q', join(dir, 'in', '**', '*.gz')]);
    expect(g.code).toBe(0);
    expect(new Set(jsonLines(g.stdout).map((l) => String(l.file).slice(dir.length + 1)))).toEqual(new Set(['in/sub/batch.x12.gz', 'in/sub/bundles.ndjson.gz']));
    const x12 = cli(['validate', '-q', '-'], {}, gzipSync(readFileSync(join(SAMPLES, 'referral-request.x12'))));
    expect(jsonLines(x12.stdout).map((l) => [l.file, l.control, l.valid])).toEqual([['-', '0001', true]]);
    const fhir = cli(['validate', '-q', '-'], {}, Buffer.from(`${requests[0]}\n`));
    expect(jsonLines(fhir.stdout).map((l) => [l.file, l.bundle, l.valid])).toEqual([['-', 1, true]]);
  });

  it('every bundle of an NDJSON file is checked, past broken lines, each a finding with its line number', () => {
    const file = join(dir, 'broken.ndjson');
    writeFileSync(file, [requests[0], '{"resourceType": "Bundle", "entry": [', requests[1], '[1, 2]', '', requests[2]].join('\n'));
    const r = cli(['validate', '-q', file]);
    expect(r.code).toBe(1);
    expect(jsonLines(r.stdout).map((l) => [l.line, l.bundle, l.valid, (l.findings as Array<{ code: string }>).filter((f) => (f as { severity?: string }).severity === 'error').map((f) => f.code)])).toEqual([
      [1, 1, true, []],
      [2, undefined, false, ['JSON_INVALID']],
      [3, 2, true, []],
      [4, undefined, false, ['NOT_A_BUNDLE']],
      [6, 3, true, []],
    ]);
    expect(jsonLines(r.stdout)[1]!.findings).toEqual([{ severity: 'error', code: 'JSON_INVALID', message: expect.stringMatching(/^line 2: not JSON: /) }]);
  });

  it('X12 lines name interchange and group as inspect does', () => {
    const file = join(SAMPLES, 'batch-requests.x12');
    const v = jsonLines(cli(['validate', '-q', file]).stdout);
    const i = jsonLines(cli(['inspect', '-q', file]).stdout);
    expect(v).toHaveLength(3);
    expect(v.map((l) => [l.file, l.interchange, l.group, l.control, l.implementation, l.valid])).toEqual(
      i.map((l) => [l.file, l.interchange, l.group, l.control, l.implementation, l.accepted]),
    );
    expect(v[0]!.interchange).toMatchObject({ control: '000000104', sender: 'CLEARHOUSE01' });
    expect(v[2]!.group).toMatchObject({ control: '42', functionalId: 'HI' });
  });

  it('an input that cannot be read is a finding; the inputs after it are still checked; exit 1', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, '1-cut.x12.gz'), gzipSync(readFileSync(join(SAMPLES, 'referral-request.x12'))).subarray(0, 40));
    writeFileSync(join(bad, '2-good.x12'), readFileSync(join(SAMPLES, 'referral-request.x12')));
    for (const cmd of ['validate', 'inspect']) {
      const r = cli([cmd, '-q', bad]);
      expect(r.code, cmd).toBe(1);
      const lines = jsonLines(r.stdout);
      expect(lines[0], cmd).toMatchObject({ file: join(bad, '1-cut.x12.gz'), findings: [{ severity: 'error', code: 'INPUT_UNREADABLE' }] });
      expect(lines.at(-1), cmd).toMatchObject({ file: join(bad, '2-good.x12'), control: '0001' });
      expect(r.stderr, cmd).toBe('');
    }
  });

  it('-q leaves standard error empty; without it, only the summary', () => {
    const file = join(dir, 'warned.ndjson');
    // The dependent response sample draws PAS_IG_DEFECT warnings under 2.2.1.
    writeFileSync(file, `${bundlesOf('dependent-response.x12').join('\n')}\n`);
    const loud = cli(['validate', file]);
    const quiet = cli(['validate', '-q', file]);
    expect(quiet.stdout).toBe(loud.stdout);
    expect(quiet.stderr).toBe('');
    expect(notSummary(loud.stderr)).toEqual([]);
    expect(loud.stderr).toMatch(/^x12pas validate: 1 file\(s\), \d+ checked/);
  });

  it('--help of each command names every kind of input', () => {
    for (const cmd of ['validate', 'inspect', 'convert']) {
      const help = cli([cmd, '--help']).stdout;
      expect(help, cmd).toMatch(/director(y|ies) \(read recursively/);
      expect(help, cmd).toMatch(/glob/);
      expect(help, cmd).toMatch(/- for standard/);
      expect(help, cmd).toMatch(/\.gz/);
    }
  });
});

describe('inspect: every kind of input convert takes', () => {
  it('a directory with gzipped X12 and a FHIR file: the X12 inspected, the FHIR file named as not X12', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.x12.gz'), gzipSync(readFileSync(join(SAMPLES, 'referral-request.x12'))));
    writeFileSync(join(dir, 'b.json'), bundlesOf('referral-request.x12')[0]!);
    const r = cli(['inspect', dir]);
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => [String(l.file).slice(dir.length + 1), l.control ?? (l.findings as Array<{ code: string }>)[0]!.code])).toEqual([
      ['a.x12.gz', '0001'],
      ['b.json', 'NOT_X12'],
    ]);
    expect(r.stderr).toMatch(/^x12pas inspect: 2 file\(s\), \d+ bytes, 1 transaction set\(s\): 1 accepted, 0 rejected; 1 envelope problem\(s\)\n$/);
  });
});

describe('validate on a machine with no FHIR package cache', () => {
  const home = tempDir();
  const noCache = { HOME: home, X12PAS_FHIR_PACKAGES: '' };

  it('validates PAS 2.2.1 and 2.0.1 bundles with the definitions x12pas ships', () => {
    const dir = tempDir();
    for (const pas of ['2.2.1', '2.0.1']) {
      const file = join(dir, `${pas}.ndjson`);
      writeFileSync(file, `${bundlesOf('referral-request.x12', pas).join('\n')}\n`);
      const r = cli(['validate', '--pas', pas, file], noCache);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonLines(r.stdout).map((l) => [l.valid, l.findings])).toEqual([[true, []]]);
    }
  });

  it('a cache that is chosen but not there is a usage error naming --packages and X12PAS_FHIR_PACKAGES', () => {
    const file = join(tempDir(), 'b.ndjson');
    writeFileSync(file, `${bundlesOf('referral-request.x12')[0]}\n`);
    for (const [args, env] of [
      [['--packages', join(home, 'nowhere')], noCache],
      [[], { HOME: home, X12PAS_FHIR_PACKAGES: home }],
    ] as const) {
      const r = cli(['validate', ...args, file], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--packages DIR');
      expect(r.stderr).toContain('X12PAS_FHIR_PACKAGES');
      expect(r.stderr).not.toContain('--fhir-packages');
    }
  });
});
