// The `Server-Timing` header of a response: how long loading a model and predicting took. Inside
// workerd the clock only advances on I/O (a Spectre mitigation), so CPU-only spans often read 0:
// the figures say where time went across I/O, not how much CPU a step used. Web-standard.

/**
 * Spans measured during one request.
 *
 * @example
 * const timings = new ServerTimings();
 * const y = timings.measure('predict', () => predictBatch(forest, x, n));
 * response.headers.set('Server-Timing', timings.header()); // 'predict;dur=0.1, total;dur=0.4'
 */
export class ServerTimings {
  readonly #start = performance.now();
  readonly #spans: [string, number][] = [];

  /** Runs `work`, recording its duration under `name`. */
  measure<T>(name: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.#spans.push([name, performance.now() - start]);
    }
  }

  /** Awaits `work`, recording its duration under `name`. */
  async measureAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.#spans.push([name, performance.now() - start]);
    }
  }

  /** The header's value: each span, then the total so far. */
  header(): string {
    const spans = [...this.#spans, ['total', performance.now() - this.#start] as [string, number]];
    return spans.map(([name, ms]) => `${name};dur=${ms.toFixed(3)}`).join(', ');
  }
}
