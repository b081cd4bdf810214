/**
 * Seed bundles and JSON mutations for fuzzing the FHIR -> X12 path: the PAS bundles our samples
 * convert to (requests, inquiries, responses, inquiry responses) and, when ../shared is beside
 * the repository, the Inferno fixtures that are bundles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import fc from 'fast-check';
import { hasShared, sharedPath } from '../support/shared.js';
import { readX12Buffer } from '../../src/x12/index.js';
import { convertTransaction } from '../../src/pipeline/convert-transaction.js';

export type Json = Record<string, unknown>;

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const INFERNO_DIR = sharedPath('corpus/inferno');

/** The PAS bundles of every sample 278 (2.2.1 and 2.0.1). */
export function sampleBundles(): Json[] {
  const out: Json[] = [];
  for (const name of readdirSync(SAMPLES).filter((n) => n.endsWith('.x12')).sort()) {
    for (const ev of readX12Buffer(readFileSync(join(SAMPLES, name)))) {
      if (ev.kind !== 'transaction') continue;
      for (const pasVersion of ['2.2.1', '2.0.1'] as const) {
        const r = convertTransaction(ev.transaction, { pasVersion, lossless: false });
        if (r.line !== null) out.push(JSON.parse(r.line) as Json);
      }
    }
  }
  return out;
}

/** The Inferno fixtures that are Bundles (none when ../shared is absent). */
export function infernoBundles(): Json[] {
  if (!hasShared('corpus/inferno')) return [];
  const out: Json[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const v = JSON.parse(readFileSync(p, 'utf8')) as Json;
        if (v.resourceType === 'Bundle') out.push(v);
      }
    }
  };
  walk(INFERNO_DIR);
  return out;
}

/** Every place in a JSON value: the parent and the key (or index) of each member. */
function places(root: unknown): Array<{ parent: Json | unknown[]; key: string | number }> {
  const out: Array<{ parent: Json | unknown[]; key: string | number }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push({ parent: v, key: i });
        walk(x);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v)) {
        out.push({ parent: v as Json, key: k });
        walk((v as Json)[k]);
      }
    }
  };
  walk(root);
  return out;
}

const WRONG_VALUES: unknown[] = [null, 'x', '', 0, -1, 1.5, true, false, {}, [], [null], ['x'], [{}], { value: null }, '\u0000\u001f\u0085', 'é✓\u{1F600}', '*:^~|>{'];

export type MutationOp = 'delete' | 'wrong' | 'null-in-array' | 'huge-string' | 'duplicate-array' | 'graft' | 'wrap-array' | 'unwrap-array';
export interface Mutation {
  readonly op: MutationOp;
  readonly at: number;
  readonly pick: number;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<MutationOp>('delete', 'wrong', 'null-in-array', 'huge-string', 'duplicate-array', 'graft', 'wrap-array', 'unwrap-array'),
  at: fc.nat(),
  pick: fc.nat(),
});

/** Applies mutations to a copy of the bundle. */
export function mutate(bundle: Json, mutations: readonly Mutation[], donors: readonly Json[]): Json {
  const b = structuredClone(bundle);
  for (const m of mutations) {
    const ps = places(b);
    if (ps.length === 0) break;
    const { parent, key } = ps[m.at % ps.length]!;
    const get = (): unknown => (parent as Record<string | number, unknown>)[key];
    const set = (v: unknown): void => {
      (parent as Record<string | number, unknown>)[key] = v;
    };
    switch (m.op) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete (parent as Json)[key as string];
        break;
      case 'wrong':
        set(structuredClone(WRONG_VALUES[m.pick % WRONG_VALUES.length]));
        break;
      case 'null-in-array': {
        const v = get();
        if (Array.isArray(v)) v.splice(m.pick % (v.length + 1), 0, null);
        else set([null, v]);
        break;
      }
      case 'huge-string':
        set((m.pick % 2 === 0 ? 'A' : 'é\u0007').repeat(20_000 + (m.pick % 50_000)));
        break;
      case 'duplicate-array': {
        const v = get();
        if (Array.isArray(v)) set([...v, ...structuredClone(v)]);
        break;
      }
      case 'graft': {
        // A resource of another bundle (or this one) put where something else was.
        const donor = donors[m.pick % donors.length]!;
        const entries = Array.isArray(donor.entry) ? (donor.entry as Json[]) : [];
        const r = entries[m.pick % Math.max(1, entries.length)]?.resource;
        if (r !== undefined) set(structuredClone(r));
        break;
      }
      case 'wrap-array':
        set([get()]);
        break;
      case 'unwrap-array': {
        const v = get();
        if (Array.isArray(v)) set(v[0]);
        break;
      }
    }
  }
  return b;
}
