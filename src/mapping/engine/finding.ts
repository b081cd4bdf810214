/** A finding of the X12 -> PAS reader. */
export interface MappingFinding {
  readonly severity: 'error' | 'warning';
  /**
   * UNMAPPED_SEGMENT: no element of the segment was read; UNMAPPED_ELEMENT: this element was not;
   * INVALID_VALUE: a codec refused it; NO_TREE: the set has no loop tree; ROUND_TRIP: the bundle,
   * written back, gives another value or layout here (found by writing it back, see silent.ts);
   * DEFAULTED: PAS requires a value the 278 does not give (an accident date): marked data-absent.
   */
  readonly code: 'UNMAPPED_SEGMENT' | 'UNMAPPED_ELEMENT' | 'INVALID_VALUE' | 'NO_TREE' | 'ROUND_TRIP' | 'DEFAULTED';
  /** Loop path, e.g. `2000A/2000B/2000C/2000E`. */
  readonly loop: string;
  /** Segment use as the grammar names it (`DTP*435`, `NM1`), or the segment id when it fills no grammar row. */
  readonly segment: string;
  /** 1-based position of the segment in the transaction set (ST = 1). */
  readonly position: number;
  readonly element?: number;
  readonly message: string;
}
