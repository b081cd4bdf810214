import { setTimeout as sleep } from 'node:timers/promises';
import type { UpstreamLimits } from '../config.js';
import { SimulatorError, type UmSimulator } from '../simulator/simulator.js';
import { Limit } from './limit.js';
import { UpstreamError, type X12Upstream } from './types.js';

/** The built-in UM simulator as an upstream: the same limits as a remote one, plus a set latency. */
export class SimulatorUpstream implements X12Upstream {
  private readonly limit: Limit;
  constructor(
    readonly name: string,
    readonly simulator: UmSimulator,
    private readonly limits: UpstreamLimits,
    private readonly latencyMs: number,
  ) {
    this.limit = new Limit(limits.concurrency);
  }

  async exchange(x12: string): Promise<string> {
    return this.limit.run(async () => {
      if (this.latencyMs > this.limits.timeoutMs) {
        await sleep(this.limits.timeoutMs);
        throw new UpstreamError(`upstream ${this.name} timed out after ${this.limits.timeoutMs} ms`, true);
      }
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      try {
        return this.simulator.respond(x12);
      } catch (e) {
        if (e instanceof SimulatorError) throw new UpstreamError(`upstream ${this.name}: ${e.message}`, false);
        throw e;
      }
    });
  }

  close(): void {
    this.simulator.close();
  }
}
