/**
 * Envelopes of `x12pas convert` (FHIR in): control numbers counted on across runs in the control
 * file (and never the same in two concurrent runs: real processes), --usage and the test-data
 * tag, sender and receiver checks, -o written whole or not at all, and each exit status.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, ROOT, SAMPLES, tempDir } from '../pipeline/support.js';

/** PAS bundles of the samples (one NDJSON line each): a request (its ISA15 is T) and a response. */
function bundles(dir: string): { request: string; response: string; production: string } {
  const made = cli(['convert', '-q', join(SAMPLES, 'referral-request.x12'), join(SAMPLES, 'referral-response.x12')]);
  expect(made.code).toBe(0);
  const [request, response] = made.stdout.trim().split('\n') as [string, string];
  const files = { request: join(dir, 'request.ndjson'), response: join(dir, 'response.ndjson'), production: join(dir, 'production.ndjson') };
  writeFileSync(files.request, `${request}\n`);
  writeFileSync(files.response, `${response}\n`);
  const untagged = JSON.parse(request) as { meta: { tag?: unknown } };
  delete untagged.meta.tag;
  writeFileSync(files.production, `${JSON.stringify(untagged)}\n`);
  return files;
}

/** ISA13, GS06, ST02 and ISA15 of each interchange of an X12 text. */
function envelopes(text: string): Array<{ isa13: string; gs06: string[]; st02: string[]; usage: string; sender: string; receiver: string }> {
  const out: Array<{ isa13: string; gs06: string[]; st02: string[]; usage: string; sender: string; receiver: string }> = [];
  for (const seg of text.split('~').map((s) => s.trim())) {
    const e = seg.split('*');
    if (e[0] === 'ISA') out.push({ isa13: e[13]!, gs06: [], st02: [], usage: e[15]!, sender: e[6]!.trim(), receiver: e[8]!.trim() });
    else if (e[0] === 'GS') out.at(-1)!.gs06.push(e[6]!);
    else if (e[0] === 'ST') out.at(-1)!.st02.push(e[2]!);
  }
  return out;
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('latin1')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('convert: envelopes fit for production', () => {
  it('counts ISA13, GS06 and ST02 on across runs in the control file, per sender/receiver pair', () => {
    const dir = tempDir();
    const f = bundles(dir);
    const control = join(dir, 'control.json');
    const first = envelopes(cli(['convert', '-q', '--control-file', control, f.request, f.request]).stdout);
    const second = envelopes(cli(['convert', '-q', '--control-file', control, f.request]).stdout);
    expect(first.map((e) => [e.isa13, e.gs06, e.st02])).toEqual([['000000001', ['1'], ['0001', '0002']]]);
    // The next run goes on where the first stopped (the numbers it reserved and did not use were given back).
    expect(second.map((e) => [e.isa13, e.gs06, e.st02])).toEqual([['000000002', ['2'], ['0003']]]);
    // Another sender counts on its own; the state file says so.
    const other = envelopes(cli(['convert', '-q', '--control-file', control, '--sender', 'OTHERSENDER', f.request]).stdout);
    expect(other.map((e) => [e.sender, e.isa13])).toEqual([['OTHERSENDER', '000000001']]);
    const state = JSON.parse(readFileSync(control, 'utf8')) as { pairs: Record<string, { isa: number; gs: number; st: number }> };
    expect(state.pairs['CLINICSUBMIT01|ACMEHEALTH']).toEqual({ isa: 2, gs: 2, st: 3 });
    expect(state.pairs['OTHERSENDER|ACMEHEALTH']).toEqual({ isa: 1, gs: 1, st: 1 });
    // X12PAS_CONTROL_FILE chooses the file when --control-file is not given.
    const byEnv = envelopes(cli(['convert', '-q', f.request], { X12PAS_CONTROL_FILE: control }).stdout);
    expect(byEnv[0]!.isa13).toBe('000000003');
  });

  it('never gives the same numbers to two concurrent runs on one control file (two processes)', async () => {
    const dir = tempDir();
    const f = bundles(dir);
    const many = join(dir, 'many.ndjson');
    // 40 requests in interchanges of 1 (one bundle per file, 40 files): each run takes 40 ISA13s.
    const line = readFileSync(f.request, 'utf8');
    mkdirSync(join(dir, 'in'));
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, 'in', `r${String(i).padStart(2, '0')}.json`), line);
    writeFileSync(many, line);
    const control = join(dir, 'control.json');
    const runs = await Promise.all([0, 1].map((k) => run(['convert', '-q', '--control-file', control, '--out-dir', join(dir, `out${k}`), join(dir, 'in')])));
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const numbers = [0, 1].flatMap((k) => readdirSync(join(dir, `out${k}`)).flatMap((n) => envelopes(readFileSync(join(dir, `out${k}`, n), 'latin1')).map((e) => e.isa13)));
    expect(numbers).toHaveLength(80);
    expect(new Set(numbers).size).toBe(80);
    expect(existsSync(`${control}.lock`)).toBe(false);
  });

  it('--usage sets ISA15; without it a bundle read from a test interchange (ISA15 T) is written back as test data', () => {
    const dir = tempDir();
    const f = bundles(dir);
    const control = join(dir, 'control.json');
    const usage = (args: string[]): string[] => envelopes(cli(['convert', '-q', '--control-file', control, ...args]).stdout).map((e) => e.usage);
    // The sample request's ISA15 is T: its bundle is tagged (Bundle.meta.tag HTEST) and comes back T.
    expect(JSON.parse(readFileSync(f.request, 'utf8')).meta.tag).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', display: 'test health data' }]);
    expect(usage([f.request])).toEqual(['T']);
    expect(usage([f.response])).toEqual(['T']);
    expect(usage([f.production])).toEqual(['P']);
    expect(usage(['--usage', 'P', f.request])).toEqual(['P']);
    expect(usage(['--usage', 'T', f.production])).toEqual(['T']);
    // Test and production bundles in one file: an interchange each.
    expect(usage([f.request, f.production]).sort()).toEqual(['P', 'T']);
    const bad = cli(['convert', '--usage', 'X', f.request]);
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toContain('--usage must be T (test) or P (production)');
  });

  it('refuses a bad --sender, --receiver or qualifier (exit 2) and rejects a bundle whose own ids are bad (exit 1)', () => {
    const dir = tempDir();
    const f = bundles(dir);
    const cases: Array<[string[], RegExp]> = [
      [['--sender', 'S'.repeat(16)], /--sender \(ISA06\/GS02\) is longer than 15 characters/],
      [['--receiver', 'R'.repeat(20)], /--receiver \(ISA08\/GS03\) is longer than 15 characters/],
      [['--sender', 'S'], /--sender .* at least two characters/],
      [['--sender', '  '], /--sender .* at least two characters/],
      [['--sender', 'ACME~HEALTH\u00e9'], /--sender .* outside the X12 character set/],
      [['--receiver', 'PAYER\u0007'], /--receiver .* outside the X12 character set/],
      [['--receiver', ' PAYER'], /--receiver .* starts with a space/],
      [['--sender-qualifier', 'XX'], /--sender-qualifier \(ISA05\) must be one of 01, 14, 20, 27, 28, 29, 30, 33, ZZ/],
      [['--receiver-qualifier', 'Z'], /--receiver-qualifier \(ISA07\) must be one of/],
    ];
    for (const [args, message] of cases) {
      const r = cli(['convert', ...args, f.request]);
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', expect.stringMatching(message)]);
    }
    const good = cli(['convert', '-q', '--control-file', join(dir, 'c.json'), '--sender', 'CLEARHOUSE-01', '--sender-qualifier', '30', '--receiver', 'PAYER 9', f.request]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ISA\*00\*          \*00\*          \*30\*CLEARHOUSE-01  \*ZZ\*PAYER 9        \*/);
    // The bundle's own TransmissionIdentifiers: a sender id too long is that bundle's rejection, with the reason.
    const bundle = JSON.parse(readFileSync(f.request, 'utf8')) as { entry: Array<{ resource: { extension: Array<{ url: string; extension: Array<{ url: string; valueString: string }> }> } }> };
    const tid = bundle.entry[0]!.resource.extension.find((x) => x.url.endsWith('TransmissionIdentifiers'))!;
    tid.extension.find((x) => x.url === 'interchangeSenderID')!.valueString = 'A-SENDER-ID-OF-20-CH';
    writeFileSync(join(dir, 'bad-id.ndjson'), `${JSON.stringify(bundle)}\n${readFileSync(f.production, 'utf8')}`);
    const r = cli(['convert', '--control-file', join(dir, 'c.json'), '--report', join(dir, 'report.ndjson'), join(dir, 'bad-id.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/^ST\*278\*/gm)).toHaveLength(1);
    const report = readFileSync(join(dir, 'report.ndjson'), 'utf8');
    expect(report).toContain('"code":"BAD_ENVELOPE_ID"');
    expect(report).toContain('TransmissionIdentifiers interchangeSenderID (ISA06) is longer than 15 characters (20)');
  });

  it('writes -o whole or not at all: a run that fails (exit 2) leaves the file there as it was', () => {
    const dir = tempDir();
    const out = join(dir, 'out.ndjson');
    writeFileSync(out, 'KEEP ME\n');
    // /dev/full takes the report lines' open but fails their writes: the run fails after converting.
    const failed = cli(['convert', '-o', out, '--report', '/dev/full', join(SAMPLES, 'referral-request.x12')]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/ENOSPC/);
    expect(readFileSync(out, 'utf8')).toBe('KEEP ME\n');
    expect(readdirSync(dir)).toEqual(['out.ndjson']);
    const ok = cli(['convert', '-q', '-o', out, '--report', join(dir, 'r.ndjson'), join(SAMPLES, 'referral-request.x12')]);
    expect(ok.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\{"resourceType":"Bundle"/);
    expect(readdirSync(dir).sort()).toEqual(['out.ndjson', 'r.ndjson']);
    // FHIR in: the same.
    const x12 = join(dir, 'out.x12');
    writeFileSync(x12, 'KEEP ME TOO\n');
    // A line that is not JSON gives a report line to write.
    writeFileSync(join(dir, 'in.ndjson'), `${readFileSync(out, 'utf8')}not json\n`);
    const fhirFailed = cli(['convert', '-o', x12, '--report', '/dev/full', '--sender', 'NEWSENDER', join(dir, 'in.ndjson')]);
    expect(fhirFailed.code).toBe(2);
    expect(readFileSync(x12, 'utf8')).toBe('KEEP ME TOO\n');
  });

  it('exit status: 0 all converted, 1 something rejected, 2 the run itself (usage, unwritable output)', () => {
    const dir = tempDir();
    const cut = join(dir, 'cut.x12');
    writeFileSync(cut, readFileSync(join(SAMPLES, 'referral-request.x12'), 'latin1').slice(0, 130), 'latin1');
    expect(cli(['convert', '-q', join(SAMPLES, 'referral-request.x12')]).code).toBe(0);
    // An interchange cut inside its GS: nothing read, yet not "0 rejected".
    const r = cli(['convert', cut]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/read: 0 converted, [1-9][0-9]* rejected/);
    expect(cli(['convert', '--workers', 'x', cut]).code).toBe(2);
    expect(cli(['convert', '-o', join(dir, 'no', 'such', 'dir', 'out.ndjson'), cut]).code).toBe(2);
    expect(cli(['convert', '--control-file', join(dir, 'cut.x12', 'state.json'), join(SAMPLES, 'referral-request.x12'), '--ack', join(dir, 'a.x12')]).code).toBe(2);
  });
});
