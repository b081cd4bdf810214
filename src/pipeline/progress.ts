/** Counters a progress line reads. */
export interface ProgressSource {
  /** Input bytes read so far. */
  bytes(): number;
  /** Transaction sets (and bundles) done so far. */
  transactions(): number;
}

/**
 * A progress line on standard error (bytes, transactions/s, ETA), redrawn four times a second;
 * only when standard error is a terminal and the run is not quiet.
 */
export class Progress {
  private readonly timer: NodeJS.Timeout | null;
  private readonly started = performance.now();

  constructor(
    private readonly totalBytes: number,
    private readonly source: ProgressSource,
    enabled: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.timer = enabled ? setInterval(() => this.draw(), 250) : null;
    this.timer?.unref();
  }

  /** The progress text for the figures so far. */
  text(): string {
    const s = (performance.now() - this.started) / 1000;
    const bytes = this.source.bytes();
    const tx = this.source.transactions();
    const share = this.totalBytes > 0 ? Math.min(1, bytes / this.totalBytes) : 0;
    const width = 24;
    const filled = Math.round(share * width);
    const rate = s > 0 ? tx / s : 0;
    const eta = share > 0 && share < 1 ? (s / share) * (1 - share) : 0;
    const total = this.totalBytes > 0 ? `/${mb(this.totalBytes)}` : '';
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${mb(bytes)}${total} MB  ${Math.round(rate).toLocaleString('en-US')} tx/s  ETA ${duration(eta)}`;
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.out.write('\r\x1b[K');
  }

  private draw(): void {
    this.out.write('\r' + this.text() + '\x1b[K');
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function duration(s: number): string {
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
