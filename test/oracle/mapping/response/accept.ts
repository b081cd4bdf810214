// Oracle: src/mapping/response/accept.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * The parties of a PAS Response Bundle made writable, as for requests (engine/party-ids.ts): X12
 * requires the UMO (2010A), the requester (2010B) and the subscriber (2010C) with their
 * identifiers. A party the bundle does not name, or names without an identifier X12 can carry,
 * refuses the bundle with a finding naming the FHIR element to fill; an NPI failing its check is
 * left out (reported).
 */
import type { ResponseSource } from './disassemble.js';
import { writableParty } from '../engine/party-ids.js';
import type { ResponseWriteFinding } from './write-finding.js';

type Obj = Record<string, unknown>;

function pathOf(bundle: Obj, res: Obj): string {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as Array<{ resource?: unknown }>) : [];
  const i = entries.findIndex((e) => e?.resource === res || ((e?.resource as Obj | undefined)?.resourceType === res.resourceType && (e?.resource as Obj | undefined)?.id === res.id && res.id !== undefined));
  return i < 0 ? String(res.resourceType) : `Bundle.entry[${i}].resource`;
}

const label = (r: Obj): string => `${String(r.resourceType)}${typeof r.id === 'string' ? `/${r.id}` : ''}`;

export function acceptResponseParties(source: ResponseSource, findings: ResponseWriteFinding[]): ResponseSource {
  const cr = source.claimResponse;
  const crPath = 'Bundle.entry[0].resource';
  const need: Array<[Obj | null, string, string]> = [
    [source.insurer, 'insurer', '2010A (the UMO)'],
    [source.requester, 'requestor', '2010B (the requester)'],
    [source.subscriber, 'patient', '2010C (the subscriber)'],
  ];
  for (const [res, el, loop] of need) {
    if (res !== null) continue;
    const ref = (cr[el] as Obj | undefined)?.reference;
    findings.push({
      severity: 'error',
      code: 'MISSING_RESOURCE',
      path: `${crPath}.${el}`,
      message: `ClaimResponse.${el}: ${typeof ref === 'string' ? `${ref} is not in the bundle` : 'absent'}; X12 requires ${loop}: include the resource it names${el === 'requestor' ? ' (or give the request bundle, --request)' : ''}`,
    });
  }
  let { insurer, requester } = source;
  if (insurer !== null) {
    const r = writableParty(insurer, pathOf(source.bundle, insurer), `ClaimResponse.insurer (${label(insurer)})`, 'umo', undefined);
    for (const f of r.findings) findings.push(f);
    insurer = r.resource;
  }
  if (requester !== null) {
    const r = writableParty(requester, pathOf(source.bundle, requester), `ClaimResponse.requestor (${label(requester)})`, 'requester', undefined);
    for (const f of r.findings) findings.push(f);
    requester = r.resource;
  }
  const items = source.items.map((d) => ({
    ...d,
    providers: d.providers.map((p) => {
      const r = writableParty(p.resource, pathOf(source.bundle, p.resource), `extension-itemAuthorizedProvider (${label(p.resource)})`, 'optional', undefined);
      for (const f of r.findings) findings.push(f);
      return r.resource === p.resource ? p : { ...p, resource: r.resource };
    }),
  }));
  return { ...source, insurer, requester, items };
}
