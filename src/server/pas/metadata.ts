import type { CapabilityStatement } from '@medplum/fhirtypes';
import { PAS_VERSION_INFO, type PasVersion } from '../../pas/versions.js';

const PAS_IG = 'http://hl7.org/fhir/us/davinci-pas';

/** The CapabilityStatement of one PAS base: Claim with $submit and $inquire, JSON. */
export function capabilityStatement(pasVersion: PasVersion, baseUrl: string, software: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString().slice(0, 10),
    kind: 'instance',
    software: { name: 'x12pas', version: software },
    implementation: { description: `x12pas gateway, Da Vinci PAS ${pasVersion}`, url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    implementationGuide: [`${PAS_IG}/ImplementationGuide/hl7.fhir.us.davinci-pas|${PAS_VERSION_INFO[pasVersion].packageVersion}`],
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'Claim',
            supportedProfile: [`${PAS_IG}/StructureDefinition/profile-claim`, `${PAS_IG}/StructureDefinition/profile-claim-inquiry`],
            operation: [
              { name: 'submit', definition: `${PAS_IG}/OperationDefinition/Claim-submit` },
              { name: 'inquire', definition: `${PAS_IG}/OperationDefinition/Claim-inquiry` },
            ],
          },
        ],
      },
    ],
  };
}
