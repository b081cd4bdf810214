/**
 * The requests of one interchange converted as they are parsed: the guarded bundlesToRequestX12
 * (mapping/guard.ts) one bundle at a time. Each bundle is checked and converted when it is added
 * and only what was written from it is kept (its segments, findings and envelope defaults), not
 * the bundle; `finish` writes the interchange(s) exactly as bundlesToRequestX12 would have written
 * them from all the bundles at once (the same outcomes, the same control numbers).
 */
import { bundleProblems, errorFinding, type GuardedBundleOutcome, type GuardedRequestX12Result, type GuardFinding } from '../mapping/guard.js';
import { convertRequest, requestsToX12, type ConvertedRequest, type RequestX12Options } from '../mapping/request/x12.js';
import { usageOfBundle } from '../mapping/engine/usage-tag.js';
import { MemoryControlNumbers } from '../x12/index.js';

type Obj = Record<string, unknown>;

/** One bundle added: refused by the guard, converted, or its conversion threw. */
interface Held {
  readonly reference: string | null;
  readonly problems: readonly GuardFinding[];
  /** ISA15 of its interchange; null when the guard refused it. */
  readonly usage: 'P' | 'T' | null;
  readonly converted: ConvertedRequest | null;
  /** What its conversion threw (it throws alone the same way). */
  readonly thrown: { readonly error: unknown } | null;
}

function referenceOf(bundle: unknown): string | null {
  const id = typeof bundle === 'object' && bundle !== null ? (bundle as Obj).identifier : undefined;
  const v = typeof id === 'object' && id !== null ? (id as Obj).value : undefined;
  return typeof v === 'string' ? v : null;
}

function refused(index: number, reference: string | null, findings: ReadonlyArray<GuardedBundleOutcome['findings'][number]>): GuardedBundleOutcome {
  return { index, reference, control: null, controls: [], status: 'rejected', findings };
}

export class RequestInterchange {
  private held: Held[] = [];

  constructor(private readonly options: RequestX12Options = {}) {}

  /** Bundles added since the last `finish`. */
  get size(): number {
    return this.held.length;
  }

  /** Checks and converts one bundle; the bundle is not kept. */
  add(bundle: unknown): void {
    const reference = referenceOf(bundle);
    const problems = bundleProblems(bundle);
    if (problems.length > 0) {
      this.held.push({ reference, problems, usage: null, converted: null, thrown: null });
      return;
    }
    const b = bundle as Obj;
    const usage = this.options.usage ?? usageOfBundle(b);
    try {
      this.held.push({ reference, problems, usage, converted: convertRequest(b, { ...this.options, usage }), thrown: null });
    } catch (error) {
      this.held.push({ reference, problems, usage, converted: null, thrown: { error } });
    }
  }

  /** Writes the interchanges of the bundles added (one per usage, in the order each first comes) and starts again. */
  finish(): GuardedRequestX12Result {
    const held = this.held;
    this.held = [];
    const outcomes: GuardedBundleOutcome[] = held.map((h, i) => refused(i, h.reference, h.problems));
    const byUsage = new Map<'P' | 'T', number[]>();
    held.forEach((h, i) => {
      if (h.usage === null) return;
      const list = byUsage.get(h.usage) ?? [];
      list.push(i);
      byUsage.set(h.usage, list);
    });
    let text = '';
    for (const [usage, idx] of byUsage) text += this.writeIsolated(held, idx, { ...this.options, usage }, outcomes);
    return { text, outcomes };
  }

  /**
   * The bundles at `idx` in one interchange; when that throws, those that throw alone are
   * rejected with what they threw and the others written together (guard.ts's writeIsolated).
   */
  private writeIsolated(held: readonly Held[], idx: readonly number[], options: RequestX12Options, outcomes: GuardedBundleOutcome[]): string {
    const attempt = (list: readonly number[]): string => {
      // Converting the bundles in order would have thrown at the first whose conversion throws.
      for (const i of list) if (held[i]!.thrown !== null) throw held[i]!.thrown!.error;
      const r = requestsToX12(
        list.map((i) => held[i]!.converted!),
        options,
      );
      for (const o of r.outcomes) outcomes[list[o.index]!] = { ...o, index: list[o.index]! };
      return r.text;
    };
    try {
      return attempt(idx);
    } catch (e) {
      const thrown = new Map<number, unknown>();
      for (const i of idx) {
        const h = held[i]!;
        if (h.thrown !== null) {
          thrown.set(i, h.thrown.error);
          continue;
        }
        try {
          requestsToX12([h.converted!], { ...options, controlNumbers: new MemoryControlNumbers() });
        } catch (alone) {
          thrown.set(i, alone);
        }
      }
      // Nothing throws alone: they fail together (the envelope they share); all are rejected.
      if (thrown.size === 0) for (const i of idx) thrown.set(i, e);
      const rest = idx.filter((i) => !thrown.has(i));
      let text = '';
      if (rest.length > 0) {
        try {
          text = attempt(rest);
        } catch (again) {
          for (const i of rest) thrown.set(i, again);
        }
      }
      for (const [i, err] of thrown) outcomes[i] = refused(i, held[i]!.reference, [errorFinding(err)]);
      return text;
    }
  }
}
