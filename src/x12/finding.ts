/**
 * A finding is a problem (or a note) about the input, with where it was found.
 * Findings are data: the x12 layer never throws on bad bytes, it reports.
 */
export type Severity = 'error' | 'warning' | 'info';

/** Which acknowledgment level a finding belongs to, and the X12 code it maps to there. */
export type AckTarget =
  /** TA105 note code; `reject` true makes TA104 `R`. */
  | { level: 'interchange'; note: string; reject: boolean }
  /** AK905..AK909 code (may be empty for a group-level note without an X12 code). */
  | { level: 'group'; code: string }
  /** IK502..IK506 code. */
  | { level: 'transaction'; code: string }
  /** IK304 segment syntax error code. */
  | { level: 'segment'; code: string }
  /** IK403 element syntax error code, with IK401 position and IK402 reference. */
  | {
      level: 'element';
      code: string;
      element: number;
      component?: number;
      repetition?: number;
      elementRef: string;
      value?: string;
      /** IK304 code of the segment that holds the element (default `8`). */
      segmentCode?: string;
    };

export interface Finding {
  severity: Severity;
  /** Stable machine code of ours, e.g. `SE01_COUNT`. */
  code: string;
  message: string;
  /** Segment id the finding is about, when there is one. */
  segment?: string;
  /** Absolute byte offset in the input of that segment (or of the problem). */
  offset?: number;
  /** 1-based ordinal of that segment in the input. */
  ordinal?: number;
  /** 1-based position of that segment in its transaction set (ST = 1). */
  position?: number;
  /** Loop id (e.g. `2000E`) where a later layer knows it. */
  loop?: string;
  /** How the finding enters a TA1/999; absent for notes that no acknowledgment carries. */
  ack?: AckTarget;
  /** An unusable ISA's fields as read (`['ISA', ISA01, ...]`), so a TA1 can still reject it. */
  isa?: readonly string[];
}

export function hasErrors(findings: readonly Finding[]): boolean {
  for (const f of findings) if (f.severity === 'error') return true;
  return false;
}
