/**
 * Compiles a StructureDefinition snapshot, once, into a tree of element rules that
 * `instance-check.ts` walks, and into the reduced snapshot that @medplum/core validates.
 *
 * The split of work: medplum checks base R4 everywhere, and the profile's own rules for the
 * elements it can see, i.e. those not nested in a backbone element and not inside a slice
 * (cardinality, fixed/pattern, narrowed types, invariants). Everything else - elements under
 * backbone elements (`Claim.item.*`, `Bundle.entry.*`), every slice and slicing, extension
 * definitions, required bindings - is ours, compiled here.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { buildTypeName, isResourceType, parseFhirPath } from '@medplum/core';
import { FHIR_CORE_SD_BASE } from './constants.js';

type FhirPathAtom = ReturnType<typeof parseFhirPath>;

export interface TypeRef {
  code: string;
  profiles: readonly string[];
  targetProfiles: readonly string[];
}

export interface ConstraintRule {
  key: string;
  human: string;
  expression: string;
  /** The profile that declared it (`constraint.source`). */
  source: string | undefined;
  atom: FhirPathAtom | undefined;
}

export interface SlicingRule {
  discriminators: readonly { type: string; path: string }[];
  rules: 'open' | 'closed' | 'openAtEnd';
  ordered: boolean;
  slices: ElementRule[];
}

export interface ElementRule {
  /** `ElementDefinition.id`, e.g. `Claim.item.extension:requestType`. */
  id: string;
  path: string;
  /** Last path segment: the JSON property (`value[x]` for a choice). */
  name: string;
  min: number;
  max: number;
  types: readonly TypeRef[];
  /** FHIR type name of values here (`ClaimItem` for the backbone `Claim.item`). */
  fhirType: string | undefined;
  choice: boolean;
  fixed?: unknown;
  pattern?: unknown;
  /** The `fixed[x]` / `pattern[x]` JSON key, for messages (`patternCodeableConcept`). */
  valueKey?: string;
  /** Required binding only (the one strength that makes an error). */
  requiredValueSet?: string;
  /** Invariants this profile adds (those of base R4 are medplum's). Severity error only. */
  constraints: readonly ConstraintRule[];
  children: ElementRule[];
  slicing?: SlicingRule;
  sliceName?: string;
  /** medplum checks this element's cardinality, fixed/pattern and invariants. */
  medplum: boolean;
  /** Type Resource (or a resource type): values are validated on their own, not walked into. */
  resource: boolean;
  contentReference?: string;
}

export interface CompiledProfile {
  url: string;
  version: string | undefined;
  /** `url|version`, how findings name the profile. */
  canonical: string;
  id: string;
  name: string;
  title: string | undefined;
  type: string;
  kind: string;
  baseDefinition: string | undefined;
  root: ElementRule;
  /** Extension definitions: where the extension may be used. */
  contexts: readonly { type: string; expression: string }[];
  /** Extension URLs this profile slices in, by element path (`Claim.extension` -> urls). */
  extensionSlices: ReadonlyMap<string, ReadonlySet<string>>;
  /** Reference target profiles by index-free path without `[x]` (slices included). */
  targetsByPath: ReadonlyMap<string, readonly string[]>;
  /** The snapshot medplum validates against (see `reducedForMedplum`). */
  medplumSd: StructureDefinition;
}

const INNER_TYPES = new Set(['BackboneElement', 'Element']);

/** Compile a StructureDefinition with a snapshot. Throws on a missing snapshot. */
export function compileProfile(sd: StructureDefinition, medplumKey: string): CompiledProfile {
  // Only resource profiles are handed to medplum; extensions and data-type profiles are all ours.
  const medplumCovers = sd.kind === 'resource' && sd.type !== 'Extension';
  const elements = sd.snapshot?.element;
  if (!elements?.length) throw new Error(`StructureDefinition ${sd.url ?? sd.id} has no snapshot`);
  const byPath = new Map<string, ElementDefinition>();
  for (const e of elements) if (e.id && !e.id.includes(':') && e.path) byPath.set(e.path, e);

  const nodes = new Map<string, ElementRule>();
  const extensionSlices = new Map<string, Set<string>>();
  let root: ElementRule | undefined;

  for (const ed of elements) {
    const id = ed.id ?? ed.path ?? '';
    const path = ed.path ?? id;
    const segments = id.split('.');
    const last = segments[segments.length - 1] ?? id;
    const colon = last.indexOf(':');
    const inSlice = id.includes(':');
    const node = makeRule(ed, id, path, medplumCovers && !inSlice && !underBackbone(path, byPath));
    nodes.set(id, node);
    if (!root) {
      root = node;
      continue;
    }
    if (colon >= 0) {
      // A slice (or re-slice) of the element with the same id minus this slice name.
      const slicedId = [...segments.slice(0, -1), last.slice(0, colon)].join('.');
      const sliced = nodes.get(slicedId);
      if (!sliced) continue;
      node.sliceName = ed.sliceName ?? last.slice(colon + 1);
      node.medplum = false;
      sliced.slicing ??= { discriminators: [], rules: 'open', ordered: false, slices: [] };
      sliced.slicing.slices.push(node);
      const extUrl = extensionSliceUrl(node, ed);
      if (extUrl) {
        const set = extensionSlices.get(path) ?? new Set<string>();
        set.add(extUrl);
        extensionSlices.set(path, set);
      }
      continue;
    }
    const parent = nodes.get(segments.slice(0, -1).join('.'));
    if (parent) parent.children.push(node);
  }
  if (!root) throw new Error(`StructureDefinition ${sd.url ?? sd.id} has an empty snapshot`);

  // Content references share the children of the element they point to.
  for (const node of nodes.values()) {
    if (node.contentReference && node.children.length === 0) {
      const target = nodes.get(node.contentReference.slice(node.contentReference.indexOf('#') + 1));
      if (target) {
        node.children = target.children;
        if (target.slicing && !node.slicing) node.slicing = target.slicing;
        node.fhirType ??= target.fhirType;
      }
    }
  }

  const targetsByPath = new Map<string, string[]>();
  for (const node of nodes.values()) {
    const targets = node.types.flatMap((t) => t.targetProfiles);
    if (targets.length === 0) continue;
    const key = node.path.replace(/\[x\]/g, '');
    const have = targetsByPath.get(key) ?? [];
    for (const t of targets) if (!have.includes(t)) have.push(t);
    targetsByPath.set(key, have);
  }

  const url = sd.url ?? '';
  return {
    url,
    version: sd.version,
    canonical: sd.version ? `${url}|${sd.version}` : url,
    id: sd.id ?? '',
    name: sd.name ?? sd.id ?? '',
    title: sd.title,
    type: sd.type ?? '',
    kind: sd.kind ?? '',
    baseDefinition: sd.baseDefinition,
    root,
    contexts: (sd.context ?? []).map((c) => ({ type: c.type ?? 'element', expression: c.expression ?? '' })),
    extensionSlices,
    targetsByPath,
    medplumSd: reducedForMedplum(sd, byPath, medplumKey),
  };
}

function makeRule(ed: ElementDefinition, id: string, path: string, medplum: boolean): ElementRule {
  const segments = path.split('.');
  const name = segments[segments.length - 1] ?? path;
  const types: TypeRef[] = (ed.type ?? []).map((t) => ({
    code: fhirTypeCode(t.code ?? '', t.extension),
    profiles: (t.profile ?? []).map(String),
    targetProfiles: (t.targetProfile ?? []).map(String),
  }));
  const first = types[0]?.code;
  const fhirType =
    first && INNER_TYPES.has(first) ? buildTypeName((ed.base?.path ?? path).split('.')) : types.length === 1 ? first : undefined;
  const rule: ElementRule = {
    id,
    path,
    name,
    min: ed.min ?? 0,
    max: ed.max === undefined || ed.max === '*' ? Number.POSITIVE_INFINITY : Number.parseInt(ed.max, 10),
    types,
    fhirType,
    choice: name.endsWith('[x]'),
    constraints: profileConstraints(ed),
    children: [],
    medplum,
    resource: types.length > 0 && types.every((t) => t.code === 'Resource' || isResourceTypeName(t.code)),
  };
  if (ed.contentReference) rule.contentReference = ed.contentReference;
  for (const [key, value] of Object.entries(ed)) {
    if (key.startsWith('fixed')) {
      rule.fixed = value;
      rule.valueKey = key;
    } else if (key.startsWith('pattern')) {
      rule.pattern = value;
      rule.valueKey = key;
    }
  }
  if (ed.slicing) {
    rule.slicing = {
      discriminators: (ed.slicing.discriminator ?? []).map((d) => ({ type: d.type ?? 'value', path: d.path ?? '$this' })),
      rules: ed.slicing.rules ?? 'open',
      ordered: ed.slicing.ordered ?? false,
      slices: [],
    };
  }
  if (ed.binding?.strength === 'required' && ed.binding.valueSet) rule.requiredValueSet = ed.binding.valueSet;
  return rule;
}

/** `http://hl7.org/fhirpath/System.String` and friends carry their FHIR type in an extension. */
function fhirTypeCode(code: string, extensions: { url?: string; valueUrl?: string }[] | undefined): string {
  if (code.startsWith('http://hl7.org/fhirpath/')) {
    const ext = extensions?.find((e) => e.url === 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type');
    return ext?.valueUrl ?? 'string';
  }
  return code;
}

function profileConstraints(ed: ElementDefinition): ConstraintRule[] {
  const out: ConstraintRule[] = [];
  for (const c of ed.constraint ?? []) {
    if (c.severity !== 'error' || !c.expression || !c.key) continue;
    const source = c.source;
    const base = source ? source.startsWith(FHIR_CORE_SD_BASE) : /^[a-z]{2,4}-\d+$/.test(c.key);
    if (base) continue;
    let atom: FhirPathAtom | undefined;
    try {
      atom = parseFhirPath(c.expression);
    } catch {
      atom = undefined;
    }
    out.push({ key: c.key, human: c.human ?? '', expression: c.expression, source, atom });
  }
  return out;
}

/** The URL an extension slice stands for: its fixed `url` child, else its type profile. */
function extensionSliceUrl(node: ElementRule, ed: ElementDefinition): string | undefined {
  if (!node.types.some((t) => t.code === 'Extension')) return undefined;
  const profile = ed.type?.find((t) => t.code === 'Extension')?.profile?.[0];
  return profile ? stripVersion(profile) : undefined;
}

export function stripVersion(canonical: string): string {
  const bar = canonical.indexOf('|');
  return bar < 0 ? canonical : canonical.slice(0, bar);
}

/** True when some proper ancestor of `path` (below the root) is a backbone element. */
function underBackbone(path: string, byPath: ReadonlyMap<string, ElementDefinition>): boolean {
  let dot = path.indexOf('.');
  if (dot < 0) return false;
  for (;;) {
    dot = path.indexOf('.', dot + 1);
    if (dot < 0) return false;
    const ancestor = byPath.get(path.slice(0, dot));
    const code = ancestor?.type?.[0]?.code;
    if (code && INNER_TYPES.has(code)) return true;
  }
}

/**
 * The snapshot handed to medplum: no slices and no slicing (medplum attaches nested slices to
 * the wrong element and matches binding-discriminated slices with everything), nothing below
 * a backbone element (medplum validates those against the base type anyway). Registered as a
 * data type of its own (`medplumKey`), so medplum parses it once. For Bundle profiles the entry
 * resources are validated separately, so the invariants on the whole bundle (ClaimFirst, bdl-7)
 * and the `Bundle.type` value are checked by our bundle rules instead.
 */
function reducedForMedplum(
  sd: StructureDefinition,
  byPath: ReadonlyMap<string, ElementDefinition>,
  medplumKey: string,
): StructureDefinition {
  const kept: ElementDefinition[] = [];
  const isBundle = sd.type === 'Bundle';
  for (const ed of sd.snapshot?.element ?? []) {
    const id = ed.id ?? '';
    const path = ed.path ?? '';
    if (id.includes(':') || underBackbone(path, byPath)) continue;
    const copy: ElementDefinition = { ...ed };
    delete copy.slicing;
    if (ed.contentReference) {
      // medplum stops parsing at a content reference whose target it has not seen; the target
      // (below a backbone) is gone here, so state the type the reference stands for instead.
      const targetPath = ed.contentReference.slice(ed.contentReference.indexOf('#') + 1);
      const target = byPath.get(targetPath);
      delete copy.contentReference;
      copy.type = target?.type ?? [{ code: 'BackboneElement' }];
      copy.base = { path: target?.base?.path ?? targetPath, min: ed.base?.min ?? 0, max: ed.base?.max ?? '*' };
    }
    if (isBundle && path === 'Bundle') {
      copy.constraint = (ed.constraint ?? []).filter(
        (c) => c.source?.startsWith(FHIR_CORE_SD_BASE) && c.key !== 'bdl-7',
      );
    }
    if (isBundle && path === 'Bundle.type') {
      for (const key of Object.keys(copy)) if (key.startsWith('fixed') || key.startsWith('pattern')) delete (copy as unknown as Record<string, unknown>)[key];
    }
    kept.push(copy);
  }
  return {
    resourceType: 'StructureDefinition',
    id: sd.id,
    url: medplumKey,
    version: sd.version,
    name: sd.name ?? sd.id ?? 'Profile',
    status: sd.status ?? 'active',
    kind: sd.kind ?? 'resource',
    abstract: false,
    // An absolute URL as the type puts the schema among medplum's data types under this key.
    type: medplumKey,
    baseDefinition: sd.baseDefinition,
    derivation: 'constraint',
    snapshot: { element: kept },
  } as StructureDefinition;
}

/** Base R4 must be loaded into medplum first (see `base-r4.ts`). */
function isResourceTypeName(code: string): boolean {
  return isResourceType(code);
}
