import type { LoopNode } from '../grammar/index.js';
import type { TransactionSet } from '../x12/index.js';
import type { WrittenSegment } from './bundle-to-request.js';
import type { Elements } from './write-rows.js';

/**
 * What a round trip X12 -> PAS -> X12 does not reproduce, per loop instance. `--lossless` carries
 * the original segments of those instances in a project extension, so the way back writes them
 * as they were; without it they are the differences `roundtrip` prints.
 */

/** The project extension that carries them (on the Claim, with `--lossless`). */
export const RESIDUE_EXTENSION = 'urn:x12pas:extension:x12-residue';

/** A loop instance's key: loop ids with their instance number among siblings, `2000A[0]/2000B[0]/.../2000F[1]`; '' for the header. */
export function loopKeys(root: LoopNode): Map<LoopNode, string> {
  const keys = new Map<LoopNode, string>();
  const walk = (n: LoopNode, key: string): void => {
    keys.set(n, key);
    const seen = new Map<string, number>();
    for (const c of n.children) {
      const i = seen.get(c.id) ?? 0;
      seen.set(c.id, i + 1);
      walk(c, key === '' ? `${c.id}[${i}]` : `${key}/${c.id}[${i}]`);
    }
  };
  walk(root, '');
  return keys;
}

/** A segment's elements split into components (`els[e][c - 1]`), as the writer gives them. */
export function splitSegment(elements: readonly string[], component: string): Elements {
  return elements.map((e, i) => (i === 0 ? [e] : e.split(component)));
}

/** Segment text with `*` and `:` (for messages and comparisons). */
export function segmentText(els: Elements): string {
  const parts = els.map((c) => {
    let n = c.length;
    while (n > 1 && c[n - 1] === '') n--;
    return c.slice(0, n).join(':');
  });
  let n = parts.length;
  while (n > 1 && parts[n - 1] === '') n--;
  return parts.slice(0, n).join('*');
}

/** The original segments of each loop instance (without ST/SE), in order. */
export function originalByLoop(tx: TransactionSet, root: LoopNode): Map<string, Elements[]> {
  const comp = String.fromCharCode(tx.interchange.delimiters.component);
  const keys = loopKeys(root);
  const out = new Map<string, Elements[]>();
  const walk = (n: LoopNode): void => {
    const key = keys.get(n)!;
    const list: Elements[] = [];
    for (const s of n.segments) if (s.segment.id !== 'ST' && s.segment.id !== 'SE') list.push(splitSegment(s.segment.elements(), comp));
    out.set(key, list);
    for (const c of n.children) walk(c);
  };
  walk(root);
  return out;
}

/** Written segments grouped by loop instance. */
export function writtenByLoop(segments: readonly WrittenSegment[]): Map<string, Elements[]> {
  const out = new Map<string, Elements[]>();
  for (const s of segments) {
    const list = out.get(s.key);
    if (list === undefined) out.set(s.key, [s.els]);
    else list.push(s.els);
  }
  return out;
}

/** One difference between the original and the written-back transaction. */
export interface RoundTripDifference {
  /** Loop instance key. */
  readonly loop: string;
  /** 0-based index of the segment within its loop instance. */
  readonly index: number;
  /** Original segment text ('' when the way back added a segment). */
  readonly original: string;
  /** Written segment text ('' when the way back lost the segment). */
  readonly written: string;
}

/** Compares two transactions loop instance by loop instance (segments in order). */
export function compareByLoop(original: ReadonlyMap<string, Elements[]>, written: ReadonlyMap<string, Elements[]>): RoundTripDifference[] {
  const diffs: RoundTripDifference[] = [];
  const keys = [...original.keys(), ...[...written.keys()].filter((k) => !original.has(k))];
  for (const loop of keys) {
    const a = (original.get(loop) ?? []).map(segmentText);
    const b = (written.get(loop) ?? []).map(segmentText);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) diffs.push({ loop, index: i, original: a[i] ?? '', written: b[i] ?? '' });
    }
  }
  return diffs;
}

/** The residue: original segments of every loop instance the way back does not reproduce. */
export function residueOf(diffs: readonly RoundTripDifference[], original: ReadonlyMap<string, Elements[]>): Map<string, Elements[]> {
  const out = new Map<string, Elements[]>();
  for (const d of diffs) if (!out.has(d.loop)) out.set(d.loop, original.get(d.loop) ?? []);
  return out;
}

/** Residue as the extension's string (JSON: loop key -> segments as arrays of elements, components as arrays). */
export function encodeResidue(residue: ReadonlyMap<string, readonly Elements[]>): string {
  const o: Record<string, unknown[]> = {};
  for (const [k, segs] of residue) o[k] = segs.map((els) => els.map((c) => (c.length === 1 ? c[0] : c)));
  return JSON.stringify(o);
}

/** Reads the extension's string back; null when it is not a residue this version wrote. */
export function decodeResidue(text: string): Map<string, Elements[]> | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const out = new Map<string, Elements[]>();
  for (const [k, v] of Object.entries(o)) {
    if (!Array.isArray(v)) return null;
    const segs: Elements[] = [];
    for (const s of v) {
      if (!Array.isArray(s)) return null;
      const els: Elements = [];
      for (const e of s) {
        if (typeof e === 'string') els.push([e]);
        else if (Array.isArray(e) && e.every((c) => typeof c === 'string')) els.push(e as string[]);
        else return null;
      }
      segs.push(els);
    }
    out.set(k, segs);
  }
  return out;
}
