/**
 * One typed pass over a resource's JSON, with base R4 types from medplum's schemas, collecting
 * what the bundle and extension checks need: every Reference, and every extension instance
 * with the element it sits on (path without indices, and the type paths an extension context
 * may name, e.g. `Identifier` or `Dosage.timing`).
 */
import { isPrimitiveType, tryGetDataType } from '@medplum/core';
import { isObject } from './instance-check.js';

type Json = Record<string, unknown>;

export interface FoundReference {
  reference: string;
  location: string;
  /** Index-free path from the resource, choice names without type: `Claim.insurer`. */
  path: string;
  /** Innermost enclosing extension with an absolute URL, and the path from it (`Extension.value`). */
  extensionUrl: string | undefined;
  extensionPath: string | undefined;
}

export interface FoundExtension {
  extension: Json;
  location: string;
  /** `Claim.item` for `Claim.item[0].extension[2]`; `Claim.extension` for a nested extension. */
  parentPath: string;
  /** Paths an element-context may use for the parent: `Claim.item`, `Identifier`, `Dosage.timing`. */
  contextPaths: readonly string[];
  /** URL of the enclosing extension, for a nested extension. */
  parentExtensionUrl: string | undefined;
  modifier: boolean;
}

export interface ScanResult {
  references: FoundReference[];
  extensions: FoundExtension[];
}

/** Scan a resource. `location` is where the resource sits (`Bundle.entry[3].resource`). */
export function scanResource(resource: Json, location: string): ScanResult {
  const result: ScanResult = { references: [], extensions: [] };
  const type = typeof resource.resourceType === 'string' ? resource.resourceType : undefined;
  if (!type) return result;
  walk(resource, type, location, [{ type, path: type }], { url: undefined, abs: undefined }, result);
  return result;
}

interface TypeFrame {
  /** The FHIR type a context path may start from (`Claim`, `Identifier`, `Extension`). */
  type: string;
  /** Index-free path from that type down to the current element. */
  path: string;
}

interface ExtState {
  /** URL of the enclosing extension (may be relative inside a complex extension). */
  url: string | undefined;
  /** The innermost enclosing extension with an absolute URL, and its frame's index. */
  abs: { url: string; frame: number } | undefined;
}

/** `frames`: outermost (the resource) first; a complex data type opens a frame of its own. */
function walk(obj: Json, type: string, location: string, frames: TypeFrame[], ext: ExtState, out: ScanResult): void {
  if (type === 'Reference' && typeof obj.reference === 'string') {
    out.references.push({
      reference: obj.reference,
      location,
      path: frames[0]?.path ?? type,
      extensionUrl: ext.abs?.url,
      extensionPath: ext.abs ? frames[ext.abs.frame]?.path : undefined,
    });
  }
  const schema = tryGetDataType(type);
  for (const key of Object.keys(obj)) {
    if (key === 'resourceType') continue;
    const value = obj[key];
    const primitiveExt = key.startsWith('_');
    const name = primitiveExt ? key.slice(1) : key;
    if (name === 'extension' || name === 'modifierExtension') {
      if (primitiveExt) continue;
      const arr = Array.isArray(value) ? value : [];
      const inner = descend(frames, name, 'Extension');
      for (let i = 0; i < arr.length; i++) {
        const e = arr[i];
        if (!isObject(e)) continue;
        const loc = `${location}.${key}[${i}]`;
        out.extensions.push({
          extension: e,
          location: loc,
          parentPath: frames[0]?.path ?? type,
          contextPaths: frames.map((f) => f.path),
          parentExtensionUrl: ext.url,
          modifier: name === 'modifierExtension',
        });
        const url = typeof e.url === 'string' ? e.url : undefined;
        const abs = url?.includes(':') ? { url, frame: inner.length - 1 } : ext.abs;
        walk(e, 'Extension', loc, inner, { url, abs }, out);
      }
      continue;
    }
    let childType: string | undefined;
    let childName = name;
    if (primitiveExt) {
      childType = 'Element';
    } else {
      const el = schema?.elements[name];
      if (el) {
        childType = el.type[0]?.code;
      } else if (schema) {
        for (const [elName, def] of Object.entries(schema.elements)) {
          if (!elName.endsWith('[x]')) continue;
          const base = elName.slice(0, -3);
          if (name.length > base.length && name.startsWith(base)) {
            const suffix = name.slice(base.length);
            childType = def.type.find((t) => t.code.toLowerCase() === suffix.toLowerCase())?.code;
            childName = base;
            break;
          }
        }
      }
    }
    if (!childType || childType === 'Resource' || (!primitiveExt && isPrimitiveType(childType))) continue;
    const inner = descend(frames, childName, childType);
    const visit = (v: unknown, loc: string): void => {
      if (!isObject(v)) return;
      // A resource inside (contained, Bundle.entry.resource) is validated on its own.
      if (typeof v.resourceType === 'string') return;
      walk(v, childType, loc, inner, ext, out);
    };
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${location}.${key}[${i}]`));
    else visit(value, `${location}.${key}`);
  }
}

/** Frames for a child element: every path grows; a complex data type adds its own frame. */
function descend(frames: TypeFrame[], name: string, childType: string): TypeFrame[] {
  const grown = frames.map((f) => ({ type: f.type, path: `${f.path}.${name}` }));
  // Backbone types (`ClaimItem`) continue their resource's path; data types start a new one.
  if (tryGetDataType(childType)?.parentType !== undefined || childType === 'Element') return grown;
  return [...grown, { type: childType, path: childType }];
}
