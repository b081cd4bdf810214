import { INVALID, type Codec } from './codec.js';

/** NM103 last, NM104 first, NM105 middle, NM106 prefix, NM107 suffix. */
export type X12PersonName = readonly [last: string, first: string, middle: string, prefix: string, suffix: string];

/** The FHIR HumanName fields this codec fills. */
export interface PersonName {
  family: string;
  given?: string[];
  prefix?: string[];
  suffix?: string[];
}

/**
 * A person's name in NM1 <-> HumanName: first and middle become `given` in that order. A middle
 * name without a first name cannot be told apart on the way back, so it is refused.
 */
export const personName: Codec<X12PersonName, PersonName> = {
  name: 'person-name',
  read([last, first, middle, prefix, suffix]) {
    if (last === '' || (first === '' && middle !== '')) return INVALID;
    const n: PersonName = { family: last };
    if (first !== '') n.given = middle !== '' ? [first, middle] : [first];
    if (prefix !== '') n.prefix = [prefix];
    if (suffix !== '') n.suffix = [suffix];
    return n;
  },
  write(n) {
    const given = n.given ?? [];
    if (n.family === '' || given.length > 2 || given.some((g) => g === '')) return INVALID;
    if ((n.prefix?.length ?? 0) > 1 || (n.suffix?.length ?? 0) > 1) return INVALID;
    if (n.prefix?.[0] === '' || n.suffix?.[0] === '') return INVALID;
    return [n.family, given[0] ?? '', given[1] ?? '', n.prefix?.[0] ?? '', n.suffix?.[0] ?? ''];
  },
  why: ([last, first, middle]) =>
    last === '' ? 'a person name needs a last name (NM103)' : first === '' && middle !== '' ? 'a middle name without a first name' : 'name not readable',
};
