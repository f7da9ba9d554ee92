/** Latencies of one kind of call, kept whole (a run records at most a few hundred thousand). */
export class Histogram {
  private readonly values: number[] = [];
  record(ms: number) {
    this.values.push(ms);
  }
  get count() {
    return this.values.length;
  }
  summary(): LatencySummary {
    const v = [...this.values].sort((a, b) => a - b);
    const at = (q: number) => (v.length ? (v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] as number) : 0);
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      count: v.length,
      p50: round(at(0.5)),
      p95: round(at(0.95)),
      p99: round(at(0.99)),
      max: round(v.at(-1) ?? 0),
    };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Named histograms: one per API call (e.g. `POST /api/filing/filings`). */
export class Latencies {
  readonly byName = new Map<string, Histogram>();
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.record(name, performance.now() - start);
    }
  }
  record(name: string, ms: number) {
    const h = this.byName.get(name) ?? new Histogram();
    this.byName.set(name, h);
    h.record(ms);
  }
  summary(): Record<string, LatencySummary> {
    return Object.fromEntries(
      [...this.byName].sort(([a], [b]) => a.localeCompare(b)).map(([k, h]) => [k, h.summary()]),
    );
  }
}

/** Runs `task(i)` for i in 0..n-1 with at most `concurrency` at once; `onDone` after each. */
export async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  onDone: (ok: boolean, err?: unknown) => void = () => {},
): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < n) {
      const i = next++;
      try {
        await task(i);
        onDone(true);
      } catch (err) {
        onDone(false, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, runner));
}
