/**
 * Where control numbers come from. The batch CLI uses the in-memory allocator; the gateway's
 * store implements the same interface so numbers survive restarts and never repeat per partner.
 */
export interface ControlNumberAllocator {
  /** ISA13: 1..999999999, returned as 9 digits. */
  nextInterchange(sender: string, receiver: string): string;
  /** GS06: 1..999999999. */
  nextGroup(sender: string, receiver: string): string;
  /** ST02: at least 4 characters. */
  nextTransaction(groupControl: string): string;
}

/** Counts up from a start value; wraps after 999999999. Transaction numbers restart per group. */
export class MemoryControlNumbers implements ControlNumberAllocator {
  private interchange: number;
  private group: number;
  private readonly perGroup = new Map<string, number>();

  constructor(start: { interchange?: number; group?: number } = {}) {
    this.interchange = (start.interchange ?? 1) - 1;
    this.group = (start.group ?? 1) - 1;
  }

  nextInterchange(): string {
    this.interchange = (this.interchange % 999_999_999) + 1;
    return String(this.interchange).padStart(9, '0');
  }

  nextGroup(): string {
    this.group = (this.group % 999_999_999) + 1;
    return String(this.group);
  }

  nextTransaction(groupControl: string): string {
    const n = ((this.perGroup.get(groupControl) ?? 0) % 999_999_999) + 1;
    this.perGroup.set(groupControl, n);
    if (this.perGroup.size > 1024) this.perGroup.delete(this.perGroup.keys().next().value as string);
    return String(n).padStart(4, '0');
  }
}
