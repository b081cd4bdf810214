// Oracle: src/mapping/response/request.ts as of 897b04fab7e5 (scripts/oracle-copy.mjs). Do not edit.
/**
 * What a response takes from the PAS Request Bundle it answers (when the caller gives it): the
 * Claim to reference, the itemSequence of a 2000F by the trace number it echoes, and FHIRPaths into
 * the request bundle for errors (extension-errorPath).
 */
import type { Bundle, Claim, Reference } from '@medplum/fhirtypes';
import { PAS_EXTENSION } from '../../../../src/pas/constants.js';

type Obj = Record<string, unknown>;

/** The request bundle, indexed for a response. */
export interface RequestIndex {
  readonly claim: Claim;
  /** `Bundle.entry[i].resource` by fullUrl. */
  entryPath(ref: string | undefined): string | null;
  /** The resource a reference names inside the bundle. */
  resolve(ref: string | undefined): Obj | null;
  /** The request item's sequence whose extension-itemTraceNumber has this value (and system, when both say one). */
  sequenceOfTrace(value: string, system: string | undefined): number | null;
  /** `Bundle.entry[0].resource.item[k]` of the item with this sequence. */
  itemPath(sequence: number): string | null;
}

/** Indexes a request bundle; null when its first entry is not a Claim. */
export function indexRequest(bundle: Bundle): RequestIndex | null {
  const entries = bundle.entry ?? [];
  const claim = entries[0]?.resource;
  if (claim?.resourceType !== 'Claim') return null;
  const byUrl = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.fullUrl !== undefined) byUrl.set(e.fullUrl, i);
    const r = e.resource;
    if (r?.id !== undefined) byUrl.set(`${r.resourceType}/${r.id}`, i);
  });
  const items = claim.item ?? [];
  return {
    claim,
    resolve: (ref) => {
      const i = ref === undefined ? undefined : byUrl.get(ref);
      return i === undefined ? null : ((entries[i]!.resource as unknown as Obj | undefined) ?? null);
    },
    entryPath: (ref) => {
      const i = ref === undefined ? undefined : byUrl.get(ref);
      return i === undefined ? null : `Bundle.entry[${i}].resource`;
    },
    sequenceOfTrace: (value, system) => {
      for (const it of items) {
        for (const e of it.extension ?? []) {
          if (e.url !== PAS_EXTENSION.itemTraceNumber) continue;
          const id = e.valueIdentifier;
          if (id?.value === value && (system === undefined || id.system === undefined || id.system === system)) return it.sequence;
        }
      }
      return null;
    },
    itemPath: (sequence) => {
      const k = items.findIndex((it) => it.sequence === sequence);
      return k < 0 ? null : `Bundle.entry[0].resource.item[${k}]`;
    },
  };
}

/** The FHIR element an errorElement's segment and element name, under a party's resource. */
function elementPath(errorElement: string): string {
  const m = /-([A-Z][A-Z0-9]{1,2})(\d\d)?$/.exec(errorElement);
  if (m === null) return '';
  const [, seg, el] = m;
  if (seg === 'NM1') return el === '09' ? '.identifier' : el === '03' || el === '04' || el === '05' ? '.name' : '';
  if (seg === 'DMG') return el === '02' ? '.birthDate' : el === '03' ? '.gender' : '';
  if (seg === 'N3' || seg === 'N4') return '.address';
  if (seg === 'PER') return '.telecom';
  return '';
}

/**
 * A FHIRPath into the request bundle for an error of loop `loop` (the loop id of its AAA);
 * `sequence` is the item's when the AAA sits in a 2000F/2010FA, `provider` the 2010EA's index.
 * Null when the request has no such place.
 */
export function errorPathOf(req: RequestIndex, loop: string, errorElement: string, sequence: number | null, provider: number | null): string | null {
  const claim = req.claim as Claim & Obj;
  const tail = elementPath(errorElement);
  const party = (ref: Reference | undefined): string | null => {
    const p = req.entryPath(ref?.reference);
    return p === null ? null : p + tail;
  };
  switch (loop) {
    case '2000A':
    case '2010A':
      return party(claim.insurer);
    case '2010B':
      return party(claim.provider);
    case '2000C':
    case '2010C': {
      // The subscriber, reached through the Claim's coverage (the patient is the dependent when there is one).
      const coverage = req.resolve(claim.insurance?.[0]?.coverage.reference) as { subscriber?: Reference } | null;
      return party(coverage?.subscriber ?? claim.patient);
    }
    case '2000D':
    case '2010D':
      return party(claim.patient);
    case '2000E':
      return 'Bundle.entry[0].resource';
    case '2000F':
    case '2010FA':
      return sequence === null ? null : req.itemPath(sequence);
    case '2010EA':
      return provider === null || claim.careTeam?.[provider] === undefined ? null : `Bundle.entry[0].resource.careTeam[${provider}]`;
    default:
      return null;
  }
}
