import type { LoopNode } from '../../grammar/index.js';
import type { TransactionSet } from '../../x12/index.js';
import type { WrittenSegment } from './write-rows.js';
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
  const out: Elements = new Array<string[]>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    // Most elements are simple: no split (and no array of parts) for them.
    out[i] = i === 0 || !e.includes(component) ? [e] : e.split(component);
  }
  return out;
}

/** Segment text with `*` and `:` (for messages and comparisons). */
export function segmentText(els: Elements): string {
  // Trailing empty elements (and components) are left out; a hole is written empty but kept.
  let n = els.length;
  while (n > 1 && els[n - 1] !== undefined && elementText(els[n - 1]!) === '') n--;
  let s = '';
  for (let e = 0; e < n; e++) {
    const c = els[e];
    if (e > 0) s += '*';
    if (c !== undefined) s += elementText(c);
  }
  return s;
}

/** An element's text: its components joined with `:`, trailing empty ones left out. */
function elementText(c: readonly string[]): string {
  let n = c.length;
  while (n > 1 && c[n - 1] === '') n--;
  if (n === 1) return c[0] ?? '';
  let s = '';
  for (let k = 0; k < n; k++) s += k === 0 ? (c[k] ?? '') : `:${c[k] ?? ''}`;
  return s;
}

/** The original segments of each loop instance (without ST/SE), in order; `positions` gives each one's position in the set (ST = 1). */
export function originalByLoop(tx: TransactionSet, root: LoopNode, positions?: Map<string, number[]>): Map<string, Elements[]> {
  const comp = String.fromCharCode(tx.interchange.delimiters.component);
  const keys = loopKeys(root);
  const out = new Map<string, Elements[]>();
  const walk = (n: LoopNode): void => {
    const key = keys.get(n)!;
    const list: Elements[] = [];
    const at: number[] = [];
    for (const s of n.segments) {
      if (s.segment.id === 'ST' || s.segment.id === 'SE') continue;
      list.push(splitSegment(s.segment.elements(), comp));
      at.push(s.position);
    }
    out.set(key, list);
    positions?.set(key, at);
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
  /** Position of the original segment in the set (ST = 1), when there is one and positions were given. */
  readonly position?: number;
  /** Position of the loop instance's first original segment (its HL), when positions were given. */
  readonly loopPosition?: number;
}

/**
 * Compares two transactions loop instance by loop instance. Within an instance the segments are
 * aligned on their longest common subsequence, so one lost segment is one difference, not a
 * cascade; a lost and an added segment in the same gap pair up as one changed segment.
 */
export function compareByLoop(original: ReadonlyMap<string, Elements[]>, written: ReadonlyMap<string, Elements[]>, positions?: ReadonlyMap<string, number[]>): RoundTripDifference[] {
  const diffs: RoundTripDifference[] = [];
  const keys = [...original.keys(), ...[...written.keys()].filter((k) => !original.has(k))];
  for (const loop of keys) {
    const a = (original.get(loop) ?? []).map(segmentText);
    const b = (written.get(loop) ?? []).map(segmentText);
    const at = positions?.get(loop);
    const loopPosition = at?.[0];
    const n = a.length;
    const m = b.length;
    // The common start is matched as it comes (the walk below takes equal segments first): the LCS
    // table covers the rest only, L[i - p][j - p] for i, j >= p (nothing at all when both agree).
    let p = 0;
    while (p < n && p < m && a[p] === b[p]) p++;
    if (p === n && p === m) continue;
    // LCS table, from the end.
    const L: number[][] = Array.from({ length: n - p + 1 }, () => new Array<number>(m - p + 1).fill(0));
    for (let i = n - 1; i >= p; i--) for (let j = m - 1; j >= p; j--) L[i - p]![j - p] = a[i] === b[j] ? L[i - p + 1]![j - p + 1]! + 1 : Math.max(L[i - p + 1]![j - p]!, L[i - p]![j - p + 1]!);
    let i = p;
    let j = p;
    const lost: number[] = [];
    const added: number[] = [];
    const flush = (): void => {
      const k = Math.max(lost.length, added.length);
      for (let x = 0; x < k; x++) {
        const li = lost[x];
        const wi = added[x];
        const position = li !== undefined ? at?.[li] : undefined;
        diffs.push({
          loop,
          index: li ?? wi!,
          original: li !== undefined ? a[li]! : '',
          written: wi !== undefined ? b[wi]! : '',
          ...(position !== undefined ? { position } : {}),
          ...(loopPosition !== undefined ? { loopPosition } : {}),
        });
      }
      lost.length = 0;
      added.length = 0;
    };
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) {
        flush();
        i++;
        j++;
      } else if (j >= m || (i < n && L[i - p + 1]![j - p]! >= L[i - p]![j - p + 1]!)) lost.push(i++);
      else added.push(j++);
    }
    flush();
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

/** The residue key that stands for the whole transaction (BHT to the last loop), when loop instances do not line up. */
export const WHOLE_RESIDUE = '*';

/**
 * Puts a residue in place of a written transaction's loop instances (the response writer's way of
 * carrying it): walks the written loop tree; an instance the residue holds is written as its
 * original segments, the others as written; residue instances the writer did not write come after
 * their parent's children. With the `*` key the residue is the whole transaction. Returns null
 * when the residue names an instance whose parent is neither written nor in the residue.
 */
export function spliceResidue(root: LoopNode, component: string, residue: ReadonlyMap<string, readonly Elements[]>): Elements[] | null {
  const whole = residue.get(WHOLE_RESIDUE);
  if (whole !== undefined) return [...whole];
  const keys = loopKeys(root);
  const written = new Set(keys.values());
  const out: Elements[] = [];
  const emitted = new Set<string>();
  const orphans = (parent: string): string[] =>
    [...residue.keys()].filter((k) => !written.has(k) && !emitted.has(k) && k !== '' && (k.lastIndexOf('/') < 0 ? parent === '' : k.slice(0, k.lastIndexOf('/')) === parent));
  const emitOrphan = (k: string): void => {
    emitted.add(k);
    out.push(...residue.get(k)!);
    for (const c of orphans(k)) emitOrphan(c);
  };
  const walk = (n: LoopNode): void => {
    const key = keys.get(n)!;
    const kept = residue.get(key);
    if (kept !== undefined) out.push(...kept);
    else for (const s of n.segments) if (s.segment.id !== 'ST' && s.segment.id !== 'SE') out.push(splitSegment(s.segment.elements(), component));
    emitted.add(key);
    for (const c of n.children) walk(c);
    for (const k of orphans(key)) emitOrphan(k);
  };
  walk(root);
  for (const k of residue.keys()) if (!emitted.has(k)) return null;
  return out;
}

/** The residue carried by a bundle's Claim or ClaimResponse (its first entry; see above), if any. */
export function residueIn(bundle: object): ReturnType<typeof decodeResidue> {
  const entries = (bundle as { entry?: unknown }).entry;
  if (!Array.isArray(entries)) return null;
  for (const e of entries as Array<{ resource?: { resourceType?: unknown; extension?: unknown } } | null>) {
    const r = e?.resource;
    if ((r?.resourceType !== 'Claim' && r?.resourceType !== 'ClaimResponse') || !Array.isArray(r.extension)) continue;
    const x = (r.extension as Array<{ url?: unknown; valueString?: unknown }>).find((x) => x.url === RESIDUE_EXTENSION);
    if (x !== undefined && typeof x.valueString === 'string') return decodeResidue(x.valueString);
  }
  return null;
}
