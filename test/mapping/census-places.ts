/**
 * The X12 places the PAS profiles name, computed from the PAS packages (2.2.1 and 2.0.1):
 * - value-set URLs `https://valueset.x12.org/x217/005010/{request|response}/{loop}/{segment}/{n}/{element}/{component}/{element number}`;
 * - element definitions (definition, short, comment, requirements) that name a segment element
 *   (`UM06`, `SV120`), applied to the direction of the resource the element belongs to (an
 *   extension: of its context).
 * Each place is `{direction} {loop or *} {segment}{element}`; inquiries share the request places.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PACKAGES = fileURLToPath(new URL('../../../shared/fhir-packages/', import.meta.url));
const PAS = ['hl7.fhir.us.davinci-pas#2.2.1', 'hl7.fhir.us.davinci-pas#2.0.1'];

export type Direction = 'request' | 'response' | 'inquiry';

export interface Place {
  readonly direction: Direction;
  /** Loop id as the value set names it, or null when the profile names the element alone. */
  readonly loop: string | null;
  readonly segment: string;
  readonly element: number;
  /** Where the packages name it (for messages). */
  readonly source: string;
}

export const placeKey = (p: Pick<Place, 'direction' | 'loop' | 'segment' | 'element'>): string => `${p.direction} ${p.loop ?? '*'} ${p.segment}${String(p.element).padStart(2, '0')}`;

const VALUE_SET = /https:\/\/valueset\.x12\.org\/x21[57]\/005010\/(request|response)\/([0-9A-Z]+)\/([A-Z][A-Z0-9]{1,2})\/\d+\/(\d{2})\//g;
/** Segments of the 278 a definition may name, followed by a two-digit element number. */
const NAMED = /\b(BHT|HL|NM1|N3|N4|PER|PRV|REF|DMG|INS|TRN|UM|HCR|DTP|HI|HSD|CRC|CL1|CR1|CR2|CR5|CR6|PWK|MSG|SV1|SV2|SV3|TOO|AAA)(0[1-9]|1[0-9]|2[0-9])\b/g;

type Obj = Record<string, unknown>;

/** Every place, deduplicated (the first source kept). */
export function censusPlaces(): Place[] {
  const out = new Map<string, Place>();
  const add = (p: Place): void => {
    const k = placeKey(p);
    if (!out.has(k)) out.set(k, p);
  };
  for (const pkg of PAS) {
    const dir = `${PACKAGES}${pkg}/package/`;
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.json')) continue;
      const text = readFileSync(dir + f, 'utf8');
      for (const m of text.matchAll(VALUE_SET)) {
        const direction = m[1] as 'request' | 'response';
        const place = { loop: m[2]!, segment: m[3]!, element: Number(m[4]), source: `${pkg} ${f}` };
        add({ direction, ...place });
        if (direction === 'request') add({ direction: 'inquiry', ...place });
      }
      if (!f.startsWith('StructureDefinition-')) continue;
      const sd = JSON.parse(text) as Obj;
      if (sd.kind === 'logical') continue;
      // The error element's definition gives an example place, not one of its own.
      if (sd.id === 'extension-errorElement') continue;
      const type = String(sd.type ?? '');
      const context = ((sd.context as Obj[] | undefined) ?? []).map((c) => String(c.expression ?? ''));
      const directions = (path: string): Direction[] => {
        const root = type === 'Extension' ? context.join(' ') : path;
        const d: Direction[] = [];
        if (/\bClaim(\.|\b)(?!Response)/.test(root)) d.push('request', 'inquiry');
        if (/ClaimResponse/.test(root)) d.push('response');
        return d;
      };
      for (const e of ((sd.differential as Obj | undefined)?.element as Obj[] | undefined) ?? []) {
        for (const k of ['definition', 'short', 'comment', 'requirements']) {
          const t = e[k];
          if (typeof t !== 'string') continue;
          for (const m of t.matchAll(NAMED)) {
            for (const direction of directions(String(e.path ?? ''))) add({ direction, loop: null, segment: m[1]!, element: Number(m[2]), source: `${pkg} ${String(sd.id)} ${String(e.id)}` });
          }
        }
      }
    }
  }
  return [...out.values()].sort((a, b) => placeKey(a).localeCompare(placeKey(b)));
}
