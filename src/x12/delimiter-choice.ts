import { isAlphanumeric, type Delimiters } from './delimiters.js';

/**
 * Separators chosen to fit the data: of the conventional characters for each role (in order of
 * preference), the first that occurs in no value of the interchange. A partner setting may pin
 * any of them; the others are chosen around it.
 */

/** Candidates per role, most conventional first; C0 separators (FS, GS, RS, US) last. */
const CANDIDATES = {
  segment: ['~', "'", '!', '#', '$', '%', '&', '@', ';', '`', '\u001c'],
  element: ['*', '|', '^', '!', '#', '$', '%', '&', '@', ';', '`', '\u001d'],
  component: [':', '>', '\\', '<', '!', '#', '$', '%', '&', '@', ';', '`', '\u001f'],
  repetition: ['^', '{', '}', '!', '#', '$', '%', '&', '@', ';', '`', '\u001e'],
} as const;

/** The characters (below 256) that occur in some value. */
export class UsedCharacters {
  readonly seen = new Uint8Array(256);

  add(value: string): void {
    const seen = this.seen;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 256) seen[c] = 1;
    }
  }

  has(c: number): boolean {
    return c < 256 && this.seen[c] === 1;
  }
}

/**
 * Separators that occur in no value (`used`), keeping those `pinned`; null when some role has
 * no free candidate left (then the caller writes with its pinned or default separators and
 * reports the values that hold them).
 */
export function chooseDelimiters(used: UsedCharacters, pinned: Partial<Delimiters> = {}): Delimiters | null {
  const taken = new Set<number>(Object.values(pinned).filter((v): v is number => typeof v === 'number' && v >= 0));
  const pick = (role: keyof typeof CANDIDATES): number => {
    const fixed = pinned[role];
    if (fixed !== undefined) return fixed;
    for (const ch of CANDIDATES[role]) {
      const c = ch.charCodeAt(0);
      if (!used.has(c) && !taken.has(c) && !isAlphanumeric(c) && c !== 0x20) {
        taken.add(c);
        return c;
      }
    }
    return -2;
  };
  const segment = pick('segment');
  const element = pick('element');
  const component = pick('component');
  const repetition = pick('repetition');
  if (segment === -2 || element === -2 || component === -2 || repetition === -2) return null;
  return { element, component, repetition, segment };
}
