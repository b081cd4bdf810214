/**
 * `x12pas convert` over directories that mix good inputs with every kind of broken one: each
 * good input is converted, each broken one is a rejected report line with its own code, the run
 * goes on, the output of earlier inputs is kept, and the exit status is 1. Unreadable inputs are
 * made without permissions (the tests may run as root, which reads anything): a dangling
 * symbolic link, a symbolic link loop (ELOOP), a directory link to itself, and a named
 * pipe (not a regular file: never opened, which would block).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, jsonLines, SAMPLES, tempDir } from '../pipeline/support.js';

const BATCH = readFileSync(join(SAMPLES, 'batch-requests.x12'), 'latin1');
const REFERRAL = readFileSync(join(SAMPLES, 'referral-request.x12'), 'latin1');
const ISA_END = 106;

type Line = Record<string, unknown> & { file: string; status?: string; findings: Array<{ code: string; severity: string }> };

/** Report lines by input name (relative to `base`), with their finding codes. */
function codesByFile(report: string, base: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of jsonLines(report) as Line[]) {
    const name = l.file.slice(base.length + 1);
    for (const f of l.findings) if (f.severity === 'error') (out[name] ??= []).push(f.code);
  }
  return out;
}

function summaryCounts(stderr: string): [number, number, number] {
  const m = /(\d+) transaction set\(s\) read: (\d+) converted, (\d+) rejected/.exec(stderr);
  expect(m).not.toBeNull();
  return [Number(m![1]), Number(m![2]), Number(m![3])];
}

describe('convert: broken inputs cost only themselves', () => {
  it('X12 directory: good files converted, every broken one reported with its code, earlier output kept, exit 1', () => {
    const dir = tempDir();
    const inDir = join(dir, 'in');
    mkdirSync(inDir);
    writeFileSync(join(inDir, 'a-good.x12'), BATCH, 'latin1');
    writeFileSync(join(inDir, 'b-cut-isa.x12'), REFERRAL.slice(0, 60), 'latin1');
    writeFileSync(join(inDir, 'c-cut-gs.x12'), REFERRAL.slice(0, REFERRAL.indexOf('GS*') + 20), 'latin1');
    writeFileSync(join(inDir, 'd-cut-iea.x12'), REFERRAL.slice(0, REFERRAL.indexOf('IEA*') + 5), 'latin1');
    // ISA16 (the component separator) equal to the element separator.
    writeFileSync(join(inDir, 'e-collide.x12'), `${REFERRAL.slice(0, ISA_END - 2)}*${REFERRAL.slice(ISA_END - 1)}`, 'latin1');
    writeFileSync(join(inDir, 'f-no-terminator.x12'), REFERRAL.replace(/~\r?\n?/g, ''), 'latin1');
    const gz = gzipSync(Buffer.from(BATCH, 'latin1'));
    const corrupt = Buffer.from(gz);
    for (let i = 40; i < 80; i++) corrupt[i] = corrupt[i]! ^ 0x5a;
    writeFileSync(join(inDir, 'g-corrupt.x12.gz'), corrupt);
    writeFileSync(join(inDir, 'h-truncated.x12.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    symlinkSync(join(inDir, 'missing.x12'), join(inDir, 'i-dangling.x12'));
    symlinkSync('j-loop-2.x12', join(inDir, 'j-loop-1.x12'));
    symlinkSync('j-loop-1.x12', join(inDir, 'j-loop-2.x12'));
    symlinkSync('.', join(inDir, 'k-self-link'));
    execFileSync('mkfifo', [join(inDir, 'l-pipe.x12')]);
    writeFileSync(join(inDir, 'm-notes.txt'), 'minutes of the meeting\n');
    writeFileSync(join(inDir, 'z-good.x12'), REFERRAL, 'latin1');

    const r = cli(['convert', '--report', join(dir, 'report.ndjson'), inDir]);
    expect(r.code).toBe(1);
    const bundles = jsonLines(r.stdout).map((b) => (b.identifier as { value: string }).value);
    // a-good's three first, in input order; d-cut-iea's transaction set and z-good's at the end; the truncated .gz gives what came before the cut.
    expect(bundles.slice(0, 3)).toEqual(['CLN20261123A1', 'CLN20261123C3', 'CLN20261123B7']);
    expect(bundles.at(-1)).toBe('CLN20261123A1');
    const codes = codesByFile(readFileSync(join(dir, 'report.ndjson'), 'utf8'), inDir);
    expect(codes['a-good.x12']).toBeUndefined();
    expect(codes['z-good.x12']).toBeUndefined();
    expect(codes['b-cut-isa.x12']).toEqual(['ISA_UNREADABLE']);
    expect(codes['c-cut-gs.x12']).toContain('MISSING_TERMINATOR');
    expect(codes['d-cut-iea.x12']).toContain('MISSING_TERMINATOR');
    // One finding each, not "delimiters unusable" and "no ISA segment" both.
    expect(codes['e-collide.x12']).toEqual(['ISA_DELIMITERS']);
    expect(codes['f-no-terminator.x12']).toEqual(['ISA_DELIMITERS']);
    expect(codes['g-corrupt.x12.gz']).toContain('CORRUPT_GZIP');
    expect(codes['h-truncated.x12.gz']).toContain('CORRUPT_GZIP');
    expect(codes['i-dangling.x12']).toEqual(['UNREADABLE_INPUT']);
    expect(codes['j-loop-1.x12']).toEqual(['UNREADABLE_INPUT']);
    expect(codes['j-loop-2.x12']).toEqual(['UNREADABLE_INPUT']);
    expect(codes['k-self-link']).toEqual(['UNREADABLE_INPUT']);
    expect(codes['l-pipe.x12']).toEqual(['NOT_A_FILE']);
    expect(codes['m-notes.txt']).toEqual(['NOT_X12_OR_FHIR']);
    // in = converted + rejected; every rejected item is a report line with an error.
    const [read, converted, rejected] = summaryCounts(r.stderr);
    expect(read).toBe(converted + rejected);
    expect(converted).toBe(bundles.length);
    const rejectedLines = (jsonLines(readFileSync(join(dir, 'report.ndjson'), 'utf8')) as Line[]).filter((l) => l.findings.some((f) => f.severity === 'error'));
    expect(rejected).toBe(rejectedLines.length);
  });

  it('FHIR inputs: good bundles converted, a non-JSON line, a truncated .gz and a dangling link each reported; exit 1', () => {
    const dir = tempDir();
    const inDir = join(dir, 'in');
    mkdirSync(inDir);
    const made = cli(['convert', '-q', join(SAMPLES, 'referral-request.x12'), join(SAMPLES, 'admission-request.x12')]);
    const [a, b] = made.stdout.trim().split('\n');
    writeFileSync(join(inDir, 'a.ndjson'), `${a}\n{ not json\n${b}\n`);
    writeFileSync(join(inDir, 'b.json.gz'), gzipSync(`${a}\n${b}\n`).subarray(0, 300));
    symlinkSync(join(inDir, 'gone.json'), join(inDir, 'c.json'));
    writeFileSync(join(inDir, 'd.json'), `${b}\n`);
    const out = join(dir, 'out.x12');
    const r = cli(['convert', '-o', out, '--report', join(dir, 'report.ndjson'), inDir]);
    expect(r.code).toBe(1);
    const codes = codesByFile(readFileSync(join(dir, 'report.ndjson'), 'utf8'), inDir);
    expect(codes['a.ndjson:2']).toEqual(['NOT_JSON']);
    expect(codes['b.json.gz']).toEqual(['CORRUPT_GZIP']);
    expect(codes['c.json']).toEqual(['UNREADABLE_INPUT']);
    // a.ndjson's two bundles and d.json's one.
    expect(readFileSync(out, 'latin1').match(/^ST\*278\*/gm)).toHaveLength(3);
    expect(r.stderr).toContain('4 bundle(s) read: 3 converted to X12, 1 rejected; 2 input(s) or part(s) of one not read');
  });

  it('an interchange whose separators collide gets one finding and a TA1 rejecting it (read with the element separator)', () => {
    const dir = tempDir();
    const collide = join(dir, 'collide.x12');
    writeFileSync(collide, `${REFERRAL.slice(0, ISA_END - 2)}*${REFERRAL.slice(ISA_END - 1)}`, 'latin1');
    const r = cli(['convert', '--ack', join(dir, 'acks.x12'), '--ack-dir', join(dir, 'acks'), '--report', join(dir, 'report.ndjson'), collide]);
    expect(r.code).toBe(1);
    const lines = jsonLines(readFileSync(join(dir, 'report.ndjson'), 'utf8')) as Line[];
    expect(lines.flatMap((l) => l.findings.map((f) => f.code))).toEqual(['ISA_DELIMITERS']);
    const ack = readFileSync(join(dir, 'acks.x12'), 'latin1');
    expect(ack).toMatch(/^ISA\*00\*          \*00\*          \*ZZ\*ACMEHEALTH     \*ZZ\*CLINICSUBMIT01 \*/);
    expect(ack).toContain('TA1*000000101*261123*0930*R*027~');
    expect(readFileSync(join(dir, 'acks', 'collide.at-0.ack.x12'), 'latin1')).toContain('TA1*000000101*261123*0930*R*027~');
  });

  it('a missing --ack directory and a bad --ack-dir parent are usage errors (exit 2) with a message, before any output', () => {
    const dir = tempDir();
    const ack = cli(['convert', '--ack', join(dir, 'no', 'acks.x12'), join(SAMPLES, 'referral-request.x12')]);
    expect([ack.code, ack.stdout]).toEqual([2, '']);
    expect(ack.stderr).toContain(`--ack ${join(dir, 'no', 'acks.x12')}: directory ${join(dir, 'no')} does not exist`);
    const ackDir = cli(['convert', '--ack-dir', join(dir, 'no', 'acks'), join(SAMPLES, 'referral-request.x12')]);
    expect(ackDir.code).toBe(2);
    expect(ackDir.stderr).toContain('neither it nor its parent directory');
    expect(ackDir.stderr).not.toContain("Unhandled 'error' event");
    // --ack-dir whose parent exists is made.
    const made = cli(['convert', '-q', '--ack-dir', join(dir, 'acks'), join(SAMPLES, 'referral-request.x12')]);
    expect(made.code).toBe(0);
    expect(existsSync(join(dir, 'acks'))).toBe(true);
  });
});
