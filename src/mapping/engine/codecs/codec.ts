/** What a codec returns for a value it cannot convert (no exception, no allocation). */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

/**
 * A two-way conversion between an X12 value (`X`, usually an element string) and a FHIR value
 * (`F`). One mapping row names one codec; the engine derives read (X12 -> FHIR) and write
 * (FHIR -> X12) from it, so both directions come from the same definition. Laws (checked by
 * property tests for every codec): for every valid x, `read(write(read(x))) = read(x)`; for every
 * valid f, `read(write(f)) = f`.
 */
export interface Codec<X, F> {
  readonly name: string;
  read(x: X): F | Invalid;
  write(f: F): X | Invalid;
  /** Why `x` cannot be read, in our words (for the finding). */
  why(x: X): string;
  /**
   * For a FHIR value `write` refuses only because X12 cannot hold all of it (a time zone): the X12
   * value that keeps what it can, and what is lost (reported by the writer, never silent).
   */
  writeLossy?(f: F): { readonly x: X; readonly lost: string } | Invalid;
  /**
   * The format qualifier a written value goes with, when the codec writes more than one form (a
   * date range RD8, or one date D8 for a period open at one end): the row's `when` sibling takes it.
   */
  qualifier?(x: X): string;
}

export function isInvalid<T>(v: T | Invalid): v is Invalid {
  return v === INVALID;
}
