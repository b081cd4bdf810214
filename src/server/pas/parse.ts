import type { Bundle } from '@medplum/fhirtypes';
import type { BundleKind, PasVersion } from '../../pas/versions.js';
import type { Gateway } from '../gateway.js';
import { operationOutcome, type HttpAnswer } from '../outcome.js';
import { firstResourceType } from '../bundle-facts.js';
import { deeperThan } from '../json-depth.js';

/**
 * Reads a PAS body: JSON, a Bundle whose first entry is a Claim, valid against the version's
 * profiles (when validation is on). Anything else is one 4xx OperationOutcome; validation
 * findings carry their FHIRPath location as `expression`.
 */
export function readPasBundle(g: Gateway, text: string, pasVersion: PasVersion, kind: BundleKind): { bundle: Bundle } | { answer: HttpAnswer } {
  const p = parseJson(text, g.config.maxJsonDepth);
  return 'answer' in p ? p : checkPasBundle(g, p.value, pasVersion, kind);
}

/** JSON.parse, or the 400 OperationOutcome that says why not (not JSON, or nested deeper than `maxDepth`). */
export function parseJson(text: string, maxDepth: number): { value: unknown } | { answer: HttpAnswer } {
  if (deeperThan(text, maxDepth)) return { answer: operationOutcome(400, [{ code: 'too-costly', text: `the body nests deeper than ${maxDepth} levels` }]) };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { answer: operationOutcome(400, [{ code: 'structure', text: `the body is not JSON: ${(e as Error).message}` }]) };
  }
}

/** readPasBundle on a body already parsed. */
export function checkPasBundle(g: Gateway, parsed: unknown, pasVersion: PasVersion, kind: BundleKind): { bundle: Bundle } | { answer: HttpAnswer } {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || (parsed as { resourceType?: unknown }).resourceType !== 'Bundle') {
    return { answer: operationOutcome(400, [{ code: 'invalid', text: 'the body must be a PAS Bundle', expression: ['Bundle'] }]) };
  }
  const b = parsed as Record<string, unknown>;
  if (firstResourceType(b) !== 'Claim') {
    return { answer: operationOutcome(400, [{ code: 'invalid', text: 'the first entry of a PAS request bundle must be a Claim', expression: ['Bundle.entry[0].resource'] }]) };
  }
  if (g.validate !== null) {
    const errors = g.validate(b, pasVersion, kind).filter((f) => f.severity === 'error');
    if (errors.length > 0) {
      return {
        answer: operationOutcome(
          400,
          errors.map((f) => ({ code: 'invalid' as const, text: f.message, expression: [f.location] })),
        ),
      };
    }
  }
  return { bundle: parsed as Bundle };
}
