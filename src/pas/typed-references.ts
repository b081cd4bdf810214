/**
 * medplum reads a reference's target type from its text (`Patient/1` -> Patient), so a
 * reference that is a `urn:uuid:` (or any absolute URL) gets a warning ("Invalid reference: got
 * urn:uuid:...") even when it resolves to an entry of the bundle of the right type. Before
 * medplum sees a resource, each such reference that resolves inside the bundle is written as
 * `<type of the entry it resolves to>/<id>` in a copy: medplum then checks the real target type
 * (and still warns when it is wrong). References that do not resolve are left as they are (the
 * bundle check reports them).
 */
import { isObject } from './instance-check.js';
import type { FoundReference } from './scan.js';

type Json = Record<string, unknown>;

/** A literal reference medplum can type by itself: `Type/id` (or a search `Type?...`). */
const TYPED = /^[A-Z][A-Za-z]+[/?]/;

/**
 * The resource, or a copy of it with each reference that `targetOf` resolves written as
 * `Type/id`. `location` is where the resource sits (`Bundle.entry[3].resource`), the prefix
 * of every reference's location.
 */
export function withTypedReferences(
  resource: Json,
  location: string,
  references: readonly FoundReference[],
  targetOf: (ref: FoundReference) => { type: string; id: string } | undefined,
): Json {
  let copy: Json | undefined;
  for (const ref of references) {
    if (TYPED.test(ref.reference) || ref.reference.startsWith('#') || !ref.location.startsWith(location)) continue;
    const target = targetOf(ref);
    if (target === undefined) continue;
    copy ??= structuredClone(resource);
    const holder = at(copy, ref.location.slice(location.length));
    if (holder !== undefined) holder.reference = `${target.type}/${target.id}`;
  }
  return copy ?? resource;
}

/** The object at a location relative to a resource (`.careTeam[0].provider`); undefined when the path fails. */
function at(root: Json, path: string): Json | undefined {
  let node: unknown = root;
  for (const m of path.matchAll(/\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = m[1] !== undefined ? (node as Json)[m[1]] : (node as unknown[])[Number(m[2])];
  }
  return isObject(node) ? node : undefined;
}
