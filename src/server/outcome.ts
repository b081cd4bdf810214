import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/** An HTTP answer the handlers build and the store keeps. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export const FHIR_JSON = 'application/fhir+json';

export interface Issue {
  severity?: OperationOutcomeIssue['severity'];
  code: OperationOutcomeIssue['code'];
  text: string;
  /** FHIRPath expressions of where the problem is. */
  expression?: string[];
}

/** One OperationOutcome with the issues (PAS: every 4xx carries exactly one). */
export function operationOutcome(status: number, issues: readonly Issue[]): HttpAnswer {
  const oo: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity ?? 'error',
      code: i.code,
      details: { text: i.text },
      ...(i.expression !== undefined && i.expression.length > 0 ? { expression: i.expression } : {}),
    })),
  };
  return { status, contentType: FHIR_JSON, body: JSON.stringify(oo) };
}

export function fhirJson(status: number, resource: unknown): HttpAnswer {
  return { status, contentType: FHIR_JSON, body: JSON.stringify(resource) };
}

/** A 5xx without an OperationOutcome (PAS: the upstream failed or timed out). */
export function upstreamFailure(timeout: boolean): HttpAnswer {
  return { status: timeout ? 504 : 502, contentType: 'text/plain; charset=utf-8', body: timeout ? 'upstream timed out\n' : 'upstream failed\n' };
}
