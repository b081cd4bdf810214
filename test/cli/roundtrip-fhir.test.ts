import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../support/shared.js';

const BIN = fileURLToPath(new URL('../../bin/x12pas.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = `${sharedPath('fhir-packages')}hl7.fhir.us.davinci-pas#2.2.1/package/example/`;

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Line {
  kind: string;
  status: string;
  differences: Array<{ path: string; named: boolean }>;
  findings?: string[];
}

describeShared('fhir-packages', 'x12pas roundtrip from FHIR', () => {
  it('every bundle kind (request, inquiry, response, inquiry response): the FHIR elements that changed, each named by a finding of the conversion', () => {
    const names = ['Bundle-ReferralAuthorizationBundleExample.json', 'Bundle-PASClaimInquiryBundleExample.json', 'Bundle-RejectionResponseBundleExample.json', 'Bundle-ErrorResponseBundleExample.json'];
    const r = run(['roundtrip', ...names.map((n) => EXAMPLES + n)]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => [l.kind, l.status])).toEqual([
      ['request', 'different'],
      ['request', 'different'],
      ['response', 'different'],
      ['response', 'different'],
    ]);
    for (const l of lines) {
      expect(l.differences.length).toBeGreaterThan(0);
      expect(l.differences.filter((d) => !d.named)).toEqual([]);
      expect(l.differences.every((d) => d.path.startsWith('Bundle'))).toBe(true);
    }
    // A change is shown: the time zone X12 cannot hold.
    expect(lines[0]!.differences.some((d) => d.path === 'Bundle.timestamp')).toBe(true);
    expect(r.status).toBe(1);
    // An inquiry response (its requester added: the IG's example names none).
    const inquiry = JSON.parse(readFileSync(`${EXAMPLES}Bundle-PASClaimInquiryResponseBundleExample.json`, 'utf8')) as { entry: Array<{ fullUrl?: string; resource: Record<string, unknown> }> };
    inquiry.entry.push({ fullUrl: 'urn:uuid:5d7c1f0e-0000-4000-8000-000000000001', resource: { resourceType: 'Organization', id: 'Requestor', identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }], name: 'REQUESTING CLINIC' } });
    inquiry.entry[0]!.resource.requestor = { reference: 'urn:uuid:5d7c1f0e-0000-4000-8000-000000000001' };
    const file = join(mkdtempSync(join(tmpdir(), 'x12pas-rt-')), 'inquiry-response.json');
    writeFileSync(file, JSON.stringify(inquiry));
    const iq = JSON.parse(run(['roundtrip', file]).stdout.trim()) as Line;
    expect([iq.kind, iq.status]).toEqual(['response', 'different']);
    expect(iq.differences.filter((d) => !d.named)).toEqual([]);
    // A response whose requester is not in the bundle is not converted, and says why.
    const p = JSON.parse(run(['roundtrip', EXAMPLES + 'Bundle-ReferralPendingAuthorizationResponseBundleExample.json']).stdout.trim()) as Line;
    expect([p.kind, p.status]).toEqual(['response', 'not converted']);
    expect(p.findings?.[0]).toContain('ClaimResponse.requestor');
  });
});

