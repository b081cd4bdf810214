/**
 * Mutated IG examples: each break produces the expected error, naming the profile and the rule.
 */
import { describeShared } from '../support/shared.js';
import { describe, expect, it } from 'vitest';
import { PAS_EXTENSION, PAS_PROFILE, X12_CODE_SYSTEM } from '../../src/pas/constants.js';
import type { PasFinding } from '../../src/pas/findings.js';
import { validateBundle } from '../../src/pas/validate.js';
import type { PasVersion } from '../../src/pas/versions.js';
import { PACKAGES_URL, clone, errors, exampleBundle } from './support.js';
import type { Json } from './support.js';

type Mutation = (b: Json) => void;

function entries(b: Json): Json[] {
  return b.entry as Json[];
}
function resourceOf(b: Json, i: number): Json {
  return entries(b)[i]!.resource as Json;
}
function claim(b: Json): Json {
  return resourceOf(b, 0);
}
function item(b: Json, i = 0): Json {
  return (claim(b).item as Json[])[i]!;
}
function entryOfType(b: Json, type: string): Json {
  return entries(b).find((e) => (e.resource as Json).resourceType === type)!.resource as Json;
}

function run(version: PasVersion, mutate: Mutation, base = 'ReferralAuthorizationBundleExample'): PasFinding[] {
  const b = clone(exampleBundle(version, base));
  mutate(b);
  return validateBundle(b, { pasVersion: version, packages: { path: PACKAGES_URL } });
}

function only(findings: PasFinding[]): PasFinding {
  const errs = errors(findings);
  expect(errs.map((f) => f.message)).toHaveLength(1);
  return errs[0]!;
}

const claimProfile = (v: PasVersion): string => `${PAS_PROFILE.claim}|${v}`;

describeShared('fhir-packages', 'mutated IG example bundles', () => {
  describe.each(['2.2.1', '2.0.1'] as const)('PAS %s mutations', (v) => {
    it('the unmutated base example is clean', () => {
      expect(errors(run(v, () => {}))).toEqual([]);
    });

    it('a required element under Claim.item dropped (category): PAS_CARDINALITY', () => {
      const f = only(run(v, (b) => delete item(b).category));
      expect(f).toMatchObject({ code: 'PAS_CARDINALITY', location: 'Bundle.entry[0].resource.item[0].category', profile: claimProfile(v), rule: 'Claim.item.category' });
      expect(f.message).toContain('profile-claim');
    });

    it('a required top-level element dropped (Claim.patient): medplum with the profile', () => {
      const f = only(run(v, (b) => delete claim(b).patient));
      expect(f).toMatchObject({ code: 'PAS_STRUCTURE', location: 'Bundle.entry[0].resource.patient', profile: claimProfile(v), rule: 'Claim.patient' });
    });

    it('a required element of a referenced resource dropped (Coverage.beneficiary)', () => {
      const f = only(run(v, (b) => delete entryOfType(b, 'Coverage').beneficiary));
      expect(f).toMatchObject({ code: 'PAS_STRUCTURE', profile: `${PAS_PROFILE.coverage}|${v}`, rule: 'Coverage.beneficiary' });
    });

    it('a pattern broken (Claim.use claim): the profile pattern', () => {
      const f = only(run(v, (b) => (claim(b).use = 'claim')));
      expect(f).toMatchObject({ code: 'PAS_STRUCTURE', location: 'Bundle.entry[0].resource.use', rule: 'Claim.use' });
      expect(f.message).toMatch(/pattern/);
    });

    it('a wrong code for a required binding (Patient.gender M)', () => {
      const f = only(run(v, (b) => (entryOfType(b, 'Patient').gender = 'M')));
      expect(f).toMatchObject({ code: 'PAS_BINDING', rule: 'Patient.gender' });
      expect(f.message).toContain('administrative-gender');
    });

    it('a wrong code system for a required binding (item.productOrService from http://codesystem.x12.org)', () => {
      const f = only(
        run(v, (b) => {
          (item(b).productOrService as Json).coding = [{ system: 'http://codesystem.x12.org/005010/1365', code: '3' }];
        }),
      );
      expect(f).toMatchObject({ code: 'PAS_BINDING', location: 'Bundle.entry[0].resource.item[0].productOrService', rule: 'Claim.item.productOrService' });
      expect(f.message).toContain('X12278RequestedServiceType');
    });

    it('an unresolved reference (Claim.insurer)', () => {
      const f = only(run(v, (b) => ((claim(b).insurer as Json).reference = 'Organization/Elsewhere')));
      expect(f).toMatchObject({ code: 'PAS_BUNDLE_UNRESOLVED_REFERENCE', location: 'Bundle.entry[0].resource.insurer.reference', rule: 'references-resolve' });
      expect(f.message).toContain('Organization/Elsewhere');
      expect(f.message).toContain('profile-pas-request-bundle');
    });

    it('the Claim not first', () => {
      const f = only(run(v, (b) => entries(b).push(entries(b).shift()!)));
      expect(f).toMatchObject({ code: 'PAS_BUNDLE_FIRST_ENTRY', location: 'Bundle.entry[0]', rule: v === '2.2.1' ? 'ClaimFirst' : 'first-entry' });
    });

    it('a duplicate fullUrl', () => {
      const f = only(run(v, (b) => (entries(b)[2]!.fullUrl = entries(b)[1]!.fullUrl)));
      expect(f).toMatchObject({ code: 'PAS_BUNDLE_DUPLICATE_FULLURL', location: 'Bundle.entry[2].fullUrl', rule: 'unique-fullUrl' });
    });

    it('Bundle.type not collection', () => {
      const findings = run(v, (b) => (b.type = 'searchset'));
      expect(errors(findings).map((f) => f.code)).toContain('PAS_BUNDLE_TYPE');
    });

    it('an extension value of the wrong type (careTeamClaimScope as string)', () => {
      const f = only(
        run(v, (b) => {
          ((claim(b).careTeam as Json[])[0]!.extension as Json[])[0] = { url: PAS_EXTENSION.careTeamClaimScope, valueString: 'yes' };
        }),
      );
      expect(f).toMatchObject({ code: 'PAS_TYPE', profile: `${PAS_EXTENSION.careTeamClaimScope}|${v}`, rule: 'Extension.value[x]' });
    });

    it('an extension where its definition does not allow it (serviceItemRequestType on Claim)', () => {
      const f = only(
        run(v, (b) => {
          const c = claim(b);
          c.extension = [...((c.extension as Json[]) ?? []), { url: PAS_EXTENSION.serviceItemRequestType, valueCodeableConcept: { coding: [{ system: X12_CODE_SYSTEM.requestCategory, code: 'HS' }] } }];
        }),
      );
      expect(f).toMatchObject({ code: 'PAS_EXTENSION_CONTEXT', rule: `${PAS_EXTENSION.serviceItemRequestType} context` });
      expect(f.message).toContain('only on Claim.item');
    });
  });

  describe('PAS 2.2.1 only', () => {
    it('a missing required item extension (serviceItemRequestType): PAS_SLICE_CARDINALITY', () => {
      const f = only(
        run('2.2.1', (b) => {
          const it0 = item(b);
          it0.extension = (it0.extension as Json[]).filter((e) => e.url !== PAS_EXTENSION.serviceItemRequestType);
        }),
      );
      expect(f).toMatchObject({
        code: 'PAS_SLICE_CARDINALITY',
        location: 'Bundle.entry[0].resource.item[0].extension',
        profile: claimProfile('2.2.1'),
        rule: 'Claim.item.extension:requestType',
      });
      expect(f.message).toContain("slice 'requestType'");
    });

    it('both item extensions missing: the slices and the element count (2..*)', () => {
      const findings = run('2.2.1', (b) => {
        const it0 = item(b);
        it0.extension = (it0.extension as Json[]).filter((e) => e.url !== PAS_EXTENSION.serviceItemRequestType && e.url !== PAS_EXTENSION.certificationType);
      });
      expect(errors(findings).map((f) => f.rule).sort()).toEqual(['Claim.item.extension:certificationType', 'Claim.item.extension:requestType']);
    });

    it('2.0.1 does not require them (the version difference)', () => {
      const findings = run('2.0.1', (b) => {
        const it0 = item(b);
        it0.extension = (it0.extension as Json[]).filter((e) => e.url !== PAS_EXTENSION.serviceItemRequestType);
      });
      expect(errors(findings)).toEqual([]);
    });

    it('the response bundle needs Bundle.identifier in 2.2.1, not in 2.0.1', () => {
      const drop = (b: Json): void => {
        delete b.identifier;
      };
      const f = only(run('2.2.1', drop, 'ReferralAuthorizationResponseBundleExample'));
      expect(f).toMatchObject({ code: 'PAS_STRUCTURE', location: 'Bundle.identifier', profile: `${PAS_PROFILE.responseBundle}|2.2.1` });
      expect(errors(run('2.0.1', drop, 'ReferralAuthorizationResponseBundleExample'))).toEqual([]);
    });

    it('a wrong ClaimResponse.outcome code (queued is not in ClaimResponseOutcome)', () => {
      const f = only(run('2.2.1', (b) => (claim(b).outcome = 'queued'), 'ReferralAuthorizationResponseBundleExample'));
      expect(f).toMatchObject({ code: 'PAS_BINDING', rule: 'ClaimResponse.outcome' });
    });

    it('authorizationNumber on Claim (the profile slices it there; the extension forbids it): PAS_IG_DEFECT warning', () => {
      const findings = run('2.2.1', (b) => {
        const c = claim(b);
        c.extension = [...((c.extension as Json[]) ?? []), { url: PAS_EXTENSION.authorizationNumber, valueString: 'AUTH1' }];
      });
      expect(errors(findings)).toEqual([]);
      const w = findings.filter((f) => f.code === 'PAS_IG_DEFECT');
      expect(w).toHaveLength(1);
      expect(w[0]).toMatchObject({ severity: 'warning', rule: `${PAS_EXTENSION.authorizationNumber} context` });
      expect(w[0]!.message).toMatch(/IG defect.*profile-claim itself slices it in there/);
    });

    it('ImmediateLevelOfCare, as published, never fires: it reads value.code of a CodeableConcept', () => {
      // The invariant on Claim.item wants extension-levelOfServiceCode on the item when the
      // certification type is 1 (immediate appeal); it tests `value.code`, which a CodeableConcept
      // does not have, so it holds for every Claim. We evaluate it as written.
      const findings = run('2.2.1', (b) => {
        const ext = item(b).extension as Json[];
        const cert = ext.find((e) => e.url === PAS_EXTENSION.certificationType)!;
        cert.valueCodeableConcept = { coding: [{ system: X12_CODE_SYSTEM.certificationType, code: '1' }] };
      });
      expect(errors(findings)).toEqual([]);
    });

    it('a supportingInfo slice broken inside (AdditionalInformation without its documentInformation extension)', () => {
      const findings = run('2.2.1', (b) => {
        const si = (claim(b).supportingInfo as Json[])[0]!;
        delete si.extension;
      });
      expect(errors(findings).map((f) => `${f.code} ${f.rule}`).sort()).toEqual([
        'PAS_CARDINALITY Claim.supportingInfo:AdditionalInformation.extension',
        'PAS_SLICE_CARDINALITY Claim.supportingInfo:AdditionalInformation.extension:documentInformation',
      ]);
    });

    it('a careTeam member without its scope extension', () => {
      const findings = run('2.2.1', (b) => delete (claim(b).careTeam as Json[])[0]!.extension);
      expect(errors(findings).map((f) => `${f.code} ${f.rule}`)).toContain('PAS_CARDINALITY Claim.careTeam.extension');
    });
  });
});

describe('input that is not a PAS bundle', () => {
  it('not a Bundle at all: one finding, no throw', () => {
    for (const input of [null, 42, 'x', { resourceType: 'Claim' }, { type: 'collection', entry: [] }]) {
      const findings = validateBundle(input, { pasVersion: '2.2.1' });
      expect(findings.map((f) => f.code)).toEqual(['PAS_NOT_A_BUNDLE']);
    }
  });
});

describeShared('fhir-packages', 'an IG example with a resource that is not one', () => {
  describe('an IG example with a resource that is not one', () => {
    it('an entry resource without resourceType', () => {
      const findings = run('2.2.1', (b) => delete entryOfType(b, 'Coverage').resourceType);
      expect(errors(findings).map((f) => f.code)).toContain('PAS_MISSING_RESOURCE_TYPE');
    });
  });
});
