/** What a compiled row is and writes into: the resource roles, the read target, the resolved row a writer compiles from. */
import type { LoopDef } from '../../grammar/index.js';
import type { Codec } from './codecs/index.js';
import type { Path } from './path.js';

type Obj = Record<string, unknown>;

export const ROLES = ['Bundle', 'Claim', 'Item', 'Insurer', 'Requester', 'Subscriber', 'Dependent', 'Coverage', 'Service', 'CareTeam', 'Provider', 'Encounter', 'ClaimResponse', 'ResponseItem', 'AddItem', 'Note', 'AuthorizedProvider', 'CommunicationRequest'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE: Readonly<Record<Role, number>> = Object.fromEntries(ROLES.map((r, i) => [r, i])) as Record<Role, number>;

/** What a compiled row writes into while one transaction is read. */
export interface ReadTarget {
  /** Resource objects by role index (ROLE); null where the role has no resource here (Item outside an item loop). */
  readonly roles: Array<Obj | null>;
  /** A value a codec could not read. */
  invalid(rowId: string, element: number, why: string): void;
  /**
   * Named slices of the arrays written so far (`identifier[payerId]`, `diagnosis[*]`): per array,
   * slice key -> entry. Start each transaction with an empty map.
   */
  readonly slices: Map<unknown[], Map<string, Obj>>;
  /** The repeat of the segment use being read in its loop instance (0 for the first; repeats.ts). */
  rep?: number;
}

/** One compiled row: reads its place of a segment (elements already split) into the target. Returns the bit mask of elements it read. */
export type RowReader = (els: readonly string[], component: string, target: ReadTarget) => number;

/** What a row says, resolved: the writer (FHIR -> X12) compiles its own functions from it. */
export interface RowSpec {
  /** The loop the row's segment use belongs to. */
  readonly loop: LoopDef;
  /** Element positions the codec reads (one, a tuple, or every position of `each`). */
  readonly positions: readonly number[];
  /** 1-based component, 0 for the whole element. */
  readonly component: number;
  /** True for `each` rows (one FHIR array entry per repeated element). */
  readonly each: boolean;
  readonly when: { readonly element: number; readonly component: number; readonly values: readonly string[] } | null;
  readonly codec: Codec<unknown, unknown>;
  readonly arity: number;
  readonly role: Role;
  /** Resource type the row is limited to (`fhir.type`), or null. */
  readonly type: string | null;
  readonly path: Path;
  /** Constants written with the value (`set`), as parsed paths. */
  readonly sets: ReadonlyArray<readonly [Path, unknown]>;
  /** False for `direction: "read"` rows (a second reading, never written back). */
  readonly writes: boolean;
  /**
   * False for `direction: "write"` rows: another way to fill an X12 place a reading row reads (a
   * UCUM unit written as the X12 code it stands for); the X12 value reads back through that row.
   */
  readonly reads: boolean;
  /** `x12.required`: the guide requires the element in this loop, so it is written even when a loop above gives the same value. */
  readonly required: boolean;
  /** `x12.default`: written (with a warning) when the segment is written but the resource gives no value X12 can hold. */
  readonly default: string | null;
}
