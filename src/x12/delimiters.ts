/** The four X12 separators of one interchange, as byte values (read from its ISA). */
export interface Delimiters {
  readonly element: number;
  readonly component: number;
  /** -1 when the interchange has none (ISA11 is the 00401 standards id `U`). */
  readonly repetition: number;
  readonly segment: number;
}

/** The same separators as one-character strings, for output and writers. */
export interface DelimiterStrings {
  element: string;
  component: string;
  repetition: string;
  segment: string;
}

export const DEFAULT_DELIMITERS: Delimiters = Object.freeze({
  element: 0x2a, // *
  component: 0x3a, // :
  repetition: 0x5e, // ^
  segment: 0x7e, // ~
});

export function delimiterStrings(d: Delimiters): DelimiterStrings {
  return {
    element: String.fromCharCode(d.element),
    component: String.fromCharCode(d.component),
    repetition: d.repetition < 0 ? '' : String.fromCharCode(d.repetition),
    segment: String.fromCharCode(d.segment),
  };
}

export function delimitersFromStrings(s: Partial<DelimiterStrings>): Delimiters {
  const pick = (v: string | undefined, fallback: number): number =>
    v === undefined ? fallback : v === '' ? -1 : v.charCodeAt(0);
  return {
    element: pick(s.element, DEFAULT_DELIMITERS.element),
    component: pick(s.component, DEFAULT_DELIMITERS.component),
    repetition: pick(s.repetition, DEFAULT_DELIMITERS.repetition),
    segment: pick(s.segment, DEFAULT_DELIMITERS.segment),
  };
}

/** Letters and digits can never be separators: they would be read as data. */
export function isAlphanumeric(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** Bytes that may stand between segments (line breaks, indentation). */
export function isTrivia(b: number): boolean {
  return b === 0x0a || b === 0x0d || b === 0x20 || b === 0x09;
}
