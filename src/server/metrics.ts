/**
 * A small Prometheus registry (text exposition 0.0.4): counters and histograms with labels, and
 * gauges read when scraped. Enough for the gateway; no dependency.
 */
type Labels = Record<string, string>;

const key = (l: Labels): string => JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));
const render = (l: Labels, extra?: [string, string]): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
};

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    const v = this.values.get(k);
    if (v) v.value += by;
    else this.values.set(k, { labels, value: by });
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels))?.value ?? 0;
  }
  expose(): string {
    let s = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const v of this.values.values()) s += `${this.name}${render(v.labels)} ${v.value}\n`;
    return s;
  }
}

export class Histogram {
  private readonly values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  ) {}
  observe(labels: Labels, seconds: number): void {
    const k = key(labels);
    let v = this.values.get(k);
    if (!v) {
      v = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.values.set(k, v);
    }
    for (let i = 0; i < this.buckets.length; i++) if (seconds <= this.buckets[i]!) v.counts[i]!++;
    v.sum += seconds;
    v.count++;
  }
  expose(): string {
    let s = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const v of this.values.values()) {
      this.buckets.forEach((b, i) => (s += `${this.name}_bucket${render(v.labels, ['le', String(b)])} ${v.counts[i]}\n`));
      s += `${this.name}_bucket${render(v.labels, ['le', '+Inf'])} ${v.count}\n`;
      s += `${this.name}_sum${render(v.labels)} ${v.sum}\n${this.name}_count${render(v.labels)} ${v.count}\n`;
    }
    return s;
  }
}

export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}
  expose(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} gauge\n${this.name} ${this.read()}\n`;
  }
}

/** The gateway's metrics. */
export class GatewayMetrics {
  readonly requests = new Counter('x12pas_requests_total', 'HTTP requests by face, operation and outcome');
  readonly latency = new Histogram('x12pas_request_duration_seconds', 'HTTP request latency by face and operation');
  readonly upstreamLatency = new Histogram('x12pas_upstream_duration_seconds', 'Upstream exchange latency by upstream and outcome');
  readonly upstreamCalls = new Counter('x12pas_upstream_exchanges_total', 'Upstream exchanges by upstream and outcome');
  readonly unsolicited = new Counter('x12pas_unsolicited_responses_total', 'Unsolicited 278 responses by outcome');
  readonly notifications = new Counter('x12pas_notifications_total', 'Subscription notification attempts by kind and outcome (delivered, retry, given-up)');
  readonly notificationDelay = new Histogram('x12pas_notification_delay_seconds', 'From a decision queued to its notification delivered');
  private readonly gauges: Gauge[] = [];

  addGauge(name: string, help: string, read: () => number): void {
    this.gauges.push(new Gauge(name, help, read));
  }

  expose(): string {
    return [this.requests, this.latency, this.upstreamCalls, this.upstreamLatency, this.unsolicited, this.notifications, this.notificationDelay, ...this.gauges].map((m) => m.expose()).join('');
  }
}
