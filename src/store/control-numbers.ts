import type { ControlNumberAllocator } from '../x12/index.js';
import type { GatewayStore } from './types.js';

/**
 * ISA13, GS06 and ST02 from the store for one partner: every number is committed before it is
 * used, so none is handed out twice, across restarts and crashes (a crash leaves gaps, never
 * repeats). ST02 counts per partner too, not per group.
 */
export class StoreControlNumbers implements ControlNumberAllocator {
  /** Every number handed out by this allocator, in order (for correlation). */
  readonly issued: { isa: string[]; gs: string[]; st: string[] } = { isa: [], gs: [], st: [] };

  constructor(
    private readonly store: Pick<GatewayStore, 'allocate'>,
    private readonly partner: string,
  ) {}

  nextInterchange(): string {
    const n = String(this.store.allocate(this.partner, 'isa', 1)).padStart(9, '0');
    this.issued.isa.push(n);
    return n;
  }

  nextGroup(): string {
    const n = String(this.store.allocate(this.partner, 'gs', 1));
    this.issued.gs.push(n);
    return n;
  }

  nextTransaction(): string {
    const n = String(this.store.allocate(this.partner, 'st', 1)).padStart(4, '0');
    this.issued.st.push(n);
    return n;
  }
}
