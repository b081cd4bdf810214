import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../support/shared.js';
import { BODY, CORPUS, interchange } from '../support/x12.js';

const BIN = fileURLToPath(new URL('../../bin/x12pas.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8' });
  const lines = (): Array<Record<string, unknown>> => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, get lines() { return lines(); } };
}

describe('x12pas inspect', () => {
  it('prints one NDJSON line per transaction set, in input order', () => {
    const r = run(['inspect', 'samples/batch-requests.x12']);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(3);
    const first = r.lines[0]!;
    expect(Object.keys(first)).toEqual(['file', 'interchange', 'group', 'control', 'implementation', 'accepted', 'segments', 'findings']);
    expect(first.file).toBe('samples/batch-requests.x12');
    expect(first.interchange).toEqual({ control: '000000104', sender: 'CLEARHOUSE01', receiver: 'ACMEHEALTH', delimiters: { element: '*', component: ':', repetition: '^', segment: '~' } });
    expect(first.group).toEqual({ control: '41', functionalId: 'HI', version: '005010X217' });
    expect(r.lines.map((l) => [(l.group as { control: string }).control, l.control])).toEqual([
      ['41', '0001'],
      ['41', '0002'],
      ['42', '0001'],
    ]);
    const segs = first.segments as string[][];
    expect(segs[0]).toEqual(['ST', '278', '0001', '005010X217']);
    expect(segs.find((s) => s[0] === 'HI')).toEqual(['HI', 'ABK:M5416', 'ABF:G8929']);
    expect(first.findings).toEqual([]);
    expect(r.stderr).toContain('3 transaction set(s): 3 accepted, 0 rejected');
  });

  it('prints findings, problems with no transaction, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-'));
    const file = join(dir, 'bad.x12');
    writeFileSync(file, 'hello\n' + interchange([BODY, BODY]).replace('SE*11*0002', 'SE*12*0002'));
    const ackFile = join(dir, 'ack.x12');
    const r = run(['inspect', '--ack', ackFile, file]);
    expect(r.code).toBe(1);
    expect(r.lines[0]).toEqual({ file, findings: [expect.objectContaining({ severity: 'error', code: 'TEXT_OUTSIDE_INTERCHANGE', offset: 0 })] });
    expect(r.lines[1]!.accepted).toBe(true);
    expect(r.lines[2]!.accepted).toBe(false);
    expect(r.lines[2]!.findings).toEqual([expect.objectContaining({ severity: 'error', code: 'SE01_COUNT', segment: 'SE', offset: expect.any(Number) })]);
    const ack = readFileSync(ackFile, 'latin1');
    expect(ack).toContain('IK5*R*4~');
    expect(ack).toContain('AK9*P*2*2*1~');
  });

  it('reads standard input', () => {
    const r = run(['inspect', '-'], interchange([BODY]));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${interchange([BODY]).length} bytes`);
    expect(r.lines).toHaveLength(1);
  });

  describeShared('corpus/x12', 'inspect over the corpus', () => {
    it('reads corpus files, a damaged one too, without crashing', () => {
      const all = run(['inspect', '-q', `${CORPUS}stupidedi/referral-request-for-review.x12`, `${CORPUS}oboe/test278WithTooManyDEsInCompositeField.x12`]);
      expect(all.code).toBe(1); // the OBOE file has a damaged REF
      expect(all.lines.filter((l) => 'segments' in l)).toHaveLength(2);
      expect(all.stderr).toBe('');
    });
  });

  it('explains itself and fails cleanly on usage and I/O errors', () => {
    expect(run(['inspect', '--help']).stdout).toContain('Usage: x12pas inspect');
    expect(run(['--help']).stdout).toContain('inspect FILE...');
    const missing = run(['inspect', 'no/such/file.x12']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^x12pas: ENOENT/);
    const unknown = run(['inspect', '--frobnicate', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
    expect(run(['frob']).code).toBe(2);
  });
});

describe('x12pas validate', () => {
  // A PAS Request Bundle converted from a sample, validated with the FHIR definitions x12pas ships.
  const EXAMPLE = join(mkdtempSync(join(tmpdir(), 'x12pas-')), 'referral.json');
  writeFileSync(EXAMPLE, run(['convert', '-q', '--report', '/dev/null', 'samples/referral-request.x12']).stdout);

  it('checks X12 and PAS bundles by content, one line each', () => {
    const r = run(['validate', 'samples/referral-request.x12', EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => [l.valid, l.control ?? l.bundle])).toEqual([
      [true, '0001'],
      [true, 1],
    ]);
  });

  it('reports profile errors with location, profile and rule, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-'));
    const bundle = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { entry: Array<{ resource: Record<string, unknown> }> };
    delete bundle.entry[0]!.resource.status;
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, `${JSON.stringify(bundle)}\n${readFileSync(EXAMPLE, 'utf8').replace(/\s*\n\s*/g, ' ')}\n`);
    const r = run(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.lines.map((l) => l.valid)).toEqual([false, true]);
    const f = (r.lines[0]!.findings as Array<Record<string, string>>).find((x) => x.severity === 'error')!;
    expect(f.location).toContain('status');
    expect(f.profile).toContain('profile-claim');
  });

  it('says so when a file holds nothing to check, or the cache is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-'));
    const empty = join(dir, 'empty.x12');
    writeFileSync(empty, '\n');
    const r = run(['validate', empty]);
    expect(r.code).toBe(1);
    expect(r.lines[0]!.findings).toEqual([expect.objectContaining({ code: 'NO_INTERCHANGE' })]);
    const noCache = run(['validate', '--packages', join(dir, 'nowhere'), EXAMPLE]);
    expect(noCache.code).toBe(2);
    expect(noCache.stderr).toMatch(/^x12pas: .*nowhere/);
    expect(noCache.stderr).toContain('--packages DIR');
    expect(noCache.stderr).not.toContain('--fhir-packages');
    expect(run(['validate', '--pas', '3.0.0', EXAMPLE]).code).toBe(2);
  });
});

describe('x12pas convert', () => {

  it('turns every request of a batch into a PAS bundle that x12pas validate accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-'));
    const out = join(dir, 'out.ndjson');
    const report = join(dir, 'report.ndjson');
    const r = run(['convert', '-o', out, '--report', report, 'samples/batch-requests.x12']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('3 transaction set(s) read: 3 converted, 0 rejected');
    const bundles = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { resourceType: string; identifier: { value: string } });
    expect(bundles.map((b) => [b.resourceType, b.identifier.value])).toEqual([
      ['Bundle', 'CLN20261123A1'],
      ['Bundle', 'CLN20261123C3'],
      ['Bundle', 'CLN20261123B7'],
    ]);
    // What no row reads yet is reported, never dropped silently.
    const lines = readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: string; findings: Array<{ code: string }> });
    expect(lines.map((l) => l.status)).toEqual(['converted', 'converted', 'converted']);
    expect(lines[0]!.findings.map((f) => f.code)).toContain('UNMAPPED_ELEMENT');
    const v = run(['validate', out]);
    expect(v.code).toBe(0);
    expect(v.lines.map((l) => l.valid)).toEqual([true, true, true]);
  });

  describeShared('corpus/x12', 'the corpus files with a rejected set', () => {
    it('leaves rejected transaction sets out, reports them and exits 1', () => {
      const ackFile = join(mkdtempSync(join(tmpdir(), 'x12pas-')), 'ack.x12');
      const r = run(['convert', '-q', '--ack', ackFile, `${CORPUS}stupidedi/request-for-home-health-care.x12`, `${CORPUS}stupidedi/referral-request-for-review.x12`, `${CORPUS}stupidedi/referral-response-to-request-for-review.x12`]);
      expect(r.code).toBe(1);
      // The referral request and the response convert; the home health request (wrong SE01) does not.
      expect(r.lines.map((b) => (b.entry as Array<{ resource: { resourceType: string } }>)[0]!.resource.resourceType)).toEqual(['Claim', 'ClaimResponse']);
      const report = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { status: string; findings: Array<{ code: string }> });
      // Each converted one says once that its times had no zone (DEFAULTED, one per interchange).
      expect(report.map((l) => l.findings.filter((f) => f.code === 'DEFAULTED').length)).toEqual([0, 1, 1]);
      expect(report.map((l) => [l.status, l.findings.find((f) => f.code !== 'UNMAPPED_ELEMENT' && f.code !== 'UNMAPPED_SEGMENT' && f.code !== 'DEFAULTED')?.code])).toEqual([
        ['rejected', 'SE01_COUNT'],
        ['converted', undefined],
        ['converted', undefined],
      ]);
      // The wrong SE01 of the home health request is rejected in its 999 too.
      expect(readFileSync(ackFile, 'latin1')).toContain('IK5*R*4~');
    });
  });

  describeShared('fhir-packages', 'IG example bundles converted with ours', () => {
    it('turns PAS bundles (JSON or NDJSON) into one X12 interchange, and --lossless bundles back into the same 278', () => {
      const dir = mkdtempSync(join(tmpdir(), 'x12pas-'));
      const bundles = join(dir, 'bundles.ndjson');
      expect(run(['convert', '-q', '--lossless', '-o', bundles, '--report', join(dir, 'r.ndjson'), 'samples/batch-requests.x12']).code).toBe(0);
      const back = run(['convert', bundles, `${sharedPath('fhir-packages')}hl7.fhir.us.davinci-pas#2.2.1/package/example/Bundle-ReferralAuthorizationBundleExample.json`]);
      expect(back.code).toBe(0);
      expect(back.stderr).toContain('4 bundle(s) read: 4 converted to X12, 0 rejected');
      // Four 278s; the three from X12 come back with their segments as they were. They came from a
      // test interchange (ISA15 T, kept as the bundles' test-data tag) and the IG example is not test
      // data: an interchange each, T first as it came first.
      const out = back.stdout;
      expect(out.split('\n').filter((l) => l.startsWith('ISA')).map((l) => l.split(l[3]!)[15])).toEqual(['T', 'P']);
      expect(out.match(/^ST\*278\*/gm)).toHaveLength(4);
      const body = (text: string): string[] => text.split(/~\r?\n?/).filter((l) => !/^(ISA|GS|ST|SE|GE|IEA)\*/.test(l) && l !== '');
      const original = body(readFileSync('samples/batch-requests.x12', 'latin1'));
      expect(body(out).slice(0, original.length)).toEqual(original);
      // The IG example's time zone and defaults are reported as warnings, not dropped silently.
      expect(back.stderr).toContain('LOSSY_VALUE');
      // A file that is not a bundle is rejected with a reason; exit 1.
      const bad = join(dir, 'bad.ndjson');
      writeFileSync(bad, '{"resourceType":"Patient"}\n');
      const r = run(['convert', bad]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('not a FHIR Bundle');
    });
  });
});

describe('x12pas roundtrip', () => {
  it('prints every difference of X12 -> PAS -> X12, none with --lossless', () => {
    const plain = run(['roundtrip', 'samples/referral-request.x12']);
    expect(plain.code).toBe(1);
    const line = plain.lines[0] as unknown as { status: string; differences: Array<{ original: string; written: string }> };
    expect(line.status).toBe('different');
    expect(line.differences.map((d) => d.original)).toEqual(['PER*IC*FRONT DESK*TE*5035550142', 'PRV*SV*PXC*207X00000X']);
    const lossless = run(['roundtrip', '--lossless', 'samples/referral-request.x12', 'samples/admission-request.x12']);
    expect(lossless.code).toBe(0);
    expect(lossless.lines.map((l) => (l as unknown as { status: string }).status)).toEqual(['same', 'same']);
  });

  it('every kind round-trips: an X215 inquiry comes back as it was; responses come back with every change named (none silent), and with --lossless unchanged', () => {
    const files = ['samples/referral-inquiry.x12', 'samples/referral-response.x12', 'samples/referral-inquiry-response.x12', 'samples/dependent-response.x12'];
    const r = run(['roundtrip', ...files]);
    expect(r.code).toBe(1);
    const lines = r.lines as unknown as Array<{ status: string; differences: unknown[]; silent?: unknown[]; findings?: string[] }>;
    expect(lines.length).toBe(5);
    expect(lines[0]!.status).toBe('same');
    // referral-response: the way back lays its event out otherwise; each change is one convert reports.
    expect(lines[1]!.status).toBe('different');
    for (const l of lines) {
      expect(l.findings).toBeUndefined();
      expect(l.silent).toBeUndefined();
    }
    const lossless = run(['roundtrip', '--lossless', ...files]);
    expect(lossless.code).toBe(0);
    expect((lossless.lines as unknown as Array<{ status: string }>).map((l) => l.status)).toEqual(['same', 'same', 'same', 'same', 'same']);
  });
});

describe('x12pas convert --timezone', () => {
  it('instants keep the X12 digits with the zone given; without it Z, said once per interchange; a bad zone is a usage error', () => {
    const zoned = run(['convert', '-q', '--timezone=-05:00', 'samples/referral-request.x12']);
    expect(zoned.code).toBe(0);
    expect(zoned.lines[0]!.timestamp).toBe('2026-11-23T09:30:00-05:00');
    const plain = run(['convert', '-q', 'samples/batch-requests.x12']);
    expect(plain.lines.map((b) => b.timestamp as string).every((t) => t.endsWith('Z'))).toBe(true);
    expect((plain.stderr.match(/"code":"DEFAULTED","message":"X12 dates and times carry no time zone/g) ?? []).length).toBe(1);
    expect(run(['convert', '-q', '--timezone=EST', 'samples/referral-request.x12']).code).toBe(2);
  });
});

describe('x12pas convert: every kind of 278', () => {
  it('requests, inquiries, responses and inquiry responses each become their PAS bundle, and each validates', () => {
    const files = ['samples/referral-inquiry.x12', 'samples/referral-response.x12', 'samples/referral-inquiry-response.x12', 'samples/dependent-response.x12', 'samples/referral-request.x12'];
    const r = run(['convert', '-q', ...files]);
    expect(r.code).toBe(0);
    const kinds = r.lines.map((b) => ((b.meta as { profile: string[] }).profile[0] ?? '').replace(/^.*StructureDefinition\/profile-/, ''));
    // dependent-response holds two responses (the second rejects the subscriber with an AAA).
    expect(kinds).toEqual(['pas-inquiry-request-bundle', 'pas-response-bundle', 'pas-inquiry-response-bundle', 'pas-response-bundle', 'pas-response-bundle', 'pas-request-bundle']);
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-kinds-'));
    const out = join(dir, 'all.ndjson');
    writeFileSync(out, r.stdout);
    const v = run(['validate', out]);
    expect(v.code).toBe(0);
    expect(v.lines.map((l) => l.valid)).toEqual([true, true, true, true, true, true]);
  });
});

describe('x12pas convert --request', () => {
  it('a response that answers a given request references its Claim; one that answers none is reported; a bad file is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-request-'));
    const requests = join(dir, 'requests.ndjson');
    const made = run(['convert', '-q', 'samples/referral-request.x12', 'samples/dependent-request.x12']);
    writeFileSync(requests, made.stdout);
    const claimIds = made.lines.map((b) => ((b.entry as Array<{ resource: { id: string } }>)[0]!.resource.id));
    const r = run(['convert', '--request', requests, 'samples/referral-response.x12', 'samples/admission-response.x12']);
    expect(r.code).toBe(0);
    const refs = r.lines.map((b) => ((b.entry as Array<{ resource: { request?: { reference?: string } } }>)[0]!.resource.request?.reference ?? null));
    expect(refs).toEqual([`Claim/${claimIds[0]}`, null]);
    const report = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { file: string; findings: Array<{ code: string }> });
    expect(report.find((l) => l.file === 'samples/admission-response.x12')!.findings.map((f) => f.code)).toContain('REQUEST_NOT_FOUND');
    expect(report.find((l) => l.file === 'samples/referral-response.x12')!.findings.map((f) => f.code)).not.toContain('REQUEST_NOT_FOUND');
    const bad = run(['convert', '--request', 'README.md', 'samples/referral-response.x12']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--request README.md:1: not JSON');
  });
});

describe('x12pas convert: PAS bundles of every kind back to X12', () => {
  it('request and response bundles (and a $inquire Parameters) become 278s in interchanges with their own control numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x12pas-back-'));
    const made = run(['convert', '-q', 'samples/referral-request.x12', 'samples/referral-response.x12', 'samples/referral-inquiry-response.x12']);
    expect(made.code).toBe(0);
    const [request, response, inquiryResponse] = made.lines;
    const ndjson = join(dir, 'bundles.ndjson');
    writeFileSync(ndjson, `${JSON.stringify(request)}\n${JSON.stringify(response)}\n`);
    const parameters = join(dir, 'inquire-output.json');
    writeFileSync(parameters, JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'return', resource: inquiryResponse }] }));
    const r = run(['convert', '-o', join(dir, 'out.x12'), ndjson, parameters]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('3 bundle(s) read: 3 converted to X12, 0 rejected');
    const text = readFileSync(join(dir, 'out.x12'), 'latin1');
    // ISA13 never repeats for a sender/receiver pair (counted in the control file, across runs too).
    const isas = text.split('~').map((s) => s.trim()).filter((s) => s.startsWith('ISA*')).map((s) => s.split('*'));
    expect(isas).toHaveLength(3);
    const byPair = new Map<string, string[]>();
    for (const f of isas) byPair.set(`${f[6]!.trim()}|${f[8]!.trim()}`, [...(byPair.get(`${f[6]!.trim()}|${f[8]!.trim()}`) ?? []), f[13]!]);
    for (const numbers of byPair.values()) expect(new Set(numbers).size).toBe(numbers.length);
    expect(isas.every((f) => /^[0-9]{9}$/.test(f[13]!))).toBe(true);
    // Read back by our own reader: a request, a response, an X215 inquiry response, every one accepted.
    const inspect = run(['inspect', join(dir, 'out.x12')]);
    expect(inspect.code).toBe(0);
    expect(inspect.lines.map((l) => [l.implementation, l.accepted, (l.segments as string[][]).find((s) => s[0] === 'BHT')![2]])).toEqual([
      ['005010X217', true, '13'],
      ['005010X217', true, '11'],
      ['005010X215', true, '11'],
    ]);
  });
});

describeShared('fhir-packages', 'convert --request with the IG response examples', () => {
  describe('x12pas convert --request with FHIR responses', () => {
    it("the IG's pended response names a requester it does not include: refused alone, written with the request it answers", () => {
      const examples = sharedPath('fhir-packages') + 'hl7.fhir.us.davinci-pas#2.2.1/package/example/';
      const pended = `${examples}Bundle-ReferralPendingAuthorizationResponseBundleExample.json`;
      const alone = run(['convert', pended]);
      expect(alone.code).toBe(1);
      expect(alone.stderr).toContain('ClaimResponse.requestor: PractitionerRole/ReferralPractitionerRoleExample is not in the bundle; X12 requires 2010B');
      const withRequest = run(['convert', '--request', `${examples}Bundle-ReferralAuthorizationBundleExample.json`, pended]);
      expect(withRequest.code).toBe(0);
      expect(withRequest.stdout).toContain('NM1*1P*2*DR. JOE SMITH CORPORATION*****XX*8189991234~');
      expect(withRequest.stdout).toContain('HCR*A4~');
    });
  });
});
