import type { Segment } from '../x12/index.js';

/** Implementation usage of a grammar row. */
export type Usage = 'required' | 'situational' | 'not-used';

/** No limit on repeats (`">1"` in the grammar files). */
export const UNBOUNDED = Number.POSITIVE_INFINITY;

/** How a row is told apart from other uses of the same segment: a qualifier element and its values. */
export interface KeyDef {
  /** 1-based element position (NM101 -> 1). */
  readonly element: number;
  /** 1-based component inside a composite element; 0 = the whole element. */
  readonly component: number;
  readonly values: readonly string[];
  /** Data element number of the qualifier, for IK402 (from the segment dictionary). */
  readonly elementRef: string;
}

/** Usage and code lists of the components of one composite element at one segment use. */
export interface ComponentRules {
  /** By component position (index 0 unused): 0 situational, 1 required, 2 not used (usage.ts). */
  readonly use: Uint8Array;
  readonly codes: ReadonlyArray<readonly string[] | null>;
  /** Component positions that are required here but optional in the standard (the standard's own are checked by the syntax checker). */
  readonly required: readonly number[];
  readonly refs: readonly string[];
  /** Code values per component position, in file order. */
  readonly lists: ReadonlyArray<readonly string[] | null>;
}

/** A pair (or group) of places that go together: element position and component (0 = the whole element). */
export interface PairRule {
  readonly text: string;
  readonly elements: readonly number[];
  readonly components: readonly number[];
  readonly refs: readonly string[];
}

export interface ElementRules {
  /** By element position (index 0 unused). */
  readonly use: Uint8Array;
  readonly codes: ReadonlyArray<readonly string[] | null>;
  readonly components: ReadonlyArray<ComponentRules | null>;
  /** Element positions required here but optional in the standard. */
  readonly required: readonly number[];
  /** IK402 reference per element position. */
  readonly refs: readonly string[];
  readonly pairs: readonly PairRule[];
  /** Code values per position, in file order, for messages and tests. */
  readonly lists: ReadonlyArray<readonly string[] | null>;
}

/** One use of a segment in a loop, e.g. 2000E `DTP*435`. */
export interface SegmentRow {
  readonly kind: 'segment';
  readonly segment: string;
  /** `DTP*435` when the key has one value, else the segment id. */
  readonly name: string;
  readonly label: string;
  readonly usage: Usage;
  /** Maximum use in one loop instance; UNBOUNDED for no limit. */
  readonly max: number;
  readonly key: KeyDef | null;
  /** Element usage and code values at this use (the row's `elements`); null: not checked. */
  readonly elements: ElementRules | null;
  /** True for a 'not used' row derived from the standard (not written in the grammar file). */
  readonly implied: boolean;
  /** Standard position within the loop: rows of one position may come in any order, positions in order. */
  readonly group: number;
  /** Index of the row among its loop's slots. */
  readonly index: number;
  /** Id of the loop holding the row ('' for the transaction header and trailer). */
  readonly loop: string;
}

/** A loop: an HL level (2000A..2000F) or a name loop (2010A, 2010EA...), or the transaction header. */
export interface LoopDef {
  readonly kind: 'loop';
  /** `2000E`, `2010EA`; '' for the header. */
  readonly id: string;
  readonly label: string;
  readonly usage: Usage;
  /** HL levels: per parent level instance (per transaction for a root level). Name loops: per HL loop instance. */
  readonly max: number;
  /** Standard position within the parent loop (name loops); 0 for HL levels. */
  readonly group: number;
  /** Index among the parent loop's slots (name loops); index in Grammar.levels (HL levels). */
  readonly index: number;
  /** HL03 code for an HL level; null otherwise. */
  readonly level: string | null;
  /** HL03 codes of the levels this level may hang under (empty: a root level). */
  readonly parents: readonly string[];
  /** The branch may not end at this level (a request must reach the patient event). */
  readonly needsChild: boolean;
  /** Rows and name loops, in standard order. The first slot is the loop's trigger (HL, or the name loop's NM1). */
  readonly slots: readonly Slot[];
  readonly trigger: SegmentRow;
  /** Indexes of the required slots after the trigger (checked when an instance closes). */
  readonly required: readonly number[];
  /** Per segment number (Grammar.segmentNumbers): the slots a segment with that id may fill, in slot order. */
  readonly candidates: ReadonlyArray<readonly Slot[] | undefined>;
}

export type Slot = SegmentRow | LoopDef;

/** A compiled transaction grammar (one implementation guide, one direction). */
export interface Grammar {
  readonly id: string;
  readonly label: string;
  /** File the grammar was read from, for messages. */
  readonly file: string;
  readonly transactionSet: string;
  /** ST03 values (implementation guide names), e.g. 005010X217. */
  readonly implementations: readonly string[];
  /** The header element that selects this grammar (BHT02) and its values. */
  readonly purpose: { readonly segment: string; readonly element: number; readonly values: readonly string[]; readonly elementRef: string };
  /** Segment whose presence lets a branch end early (AAA in responses); null when none. */
  readonly rejection: string | null;
  /** The header pseudo-loop (ST, BHT); HL levels are not its slots. */
  readonly header: LoopDef;
  readonly trailer: SegmentRow;
  /** HL levels, in file order. */
  readonly levels: readonly LoopDef[];
  readonly levelByCode: ReadonlyMap<string, LoopDef>;
  /** Every loop (levels and name loops) by id. */
  readonly loops: ReadonlyMap<string, LoopDef>;
  /** Levels that may hang under each level (by level index). */
  readonly childLevels: ReadonlyArray<readonly LoopDef[]>;
  /** Segment id -> small number indexing LoopDef.candidates: the one string lookup per segment. */
  readonly segmentNumbers: ReadonlyMap<string, number>;
  /** By segment number: the key element and component all keyed rows of that segment use (0 = none). */
  readonly keyElement: Int16Array;
  readonly keyComponent: Int16Array;
  /** Largest number of slots of any loop (to size the builder's count buffers). */
  readonly maxSlots: number;
}

/** One segment of the input placed in the tree. */
export interface SegmentNode {
  readonly segment: Segment;
  /** 1-based position in the transaction set (ST = 1). */
  readonly position: number;
  /** The grammar row it fills; null when it fits no row (reported) or sits under an unknown HL level. */
  readonly row: SegmentRow | null;
}

/** A loop instance in the tree. The root (id '') holds ST, BHT and SE, and the top HL levels as children. */
export class LoopNode {
  readonly segments: SegmentNode[] = [];
  readonly children: LoopNode[] = [];

  constructor(
    /** `2000E`, `2010EA`; '' for the transaction root; `HL` + HL03 for an HL level the grammar does not know. */
    readonly id: string,
    readonly def: LoopDef | null,
    readonly parent: LoopNode | null,
  ) {}

  /** First child loop with this id. */
  child(id: string): LoopNode | undefined {
    for (const c of this.children) if (c.id === id) return c;
    return undefined;
  }

  /** Every child loop with this id, in order. */
  childrenWithId(id: string): LoopNode[] {
    return this.children.filter((c) => c.id === id);
  }

  /** First segment filling the row named `name` (`DTP*435`, `UM`), or with that segment id. */
  segment(name: string): SegmentNode | undefined {
    for (const s of this.segments) if (s.row?.name === name || s.segment.id === name) return s;
    return undefined;
  }

  /** Every segment filling the row named `name`, or with that segment id. */
  segmentsNamed(name: string): SegmentNode[] {
    return this.segments.filter((s) => s.row?.name === name || s.segment.id === name);
  }

  /** Loop ids from the top HL level down to this loop, e.g. `2000A/2000B/2000C/2000E`. */
  get path(): string {
    const ids: string[] = [];
    for (let n: LoopNode | null = this; n !== null && n.id !== ''; n = n.parent) ids.push(n.id);
    return ids.reverse().join('/');
  }
}

export interface LoopTree {
  readonly grammar: Grammar;
  readonly root: LoopNode;
  /** Every segment's node in input order (index = position - 1). */
  readonly segments: readonly SegmentNode[];
}

/** The loop structure as a short string, e.g. `2000A[2010A 2000B[2010B 2000C[2010C 2000E[2010EA]]]]`. */
export function outline(node: LoopNode): string {
  const parts = node.children.map((c) => (c.children.length > 0 ? `${c.id}[${outline(c)}]` : c.id));
  return parts.join(' ');
}
