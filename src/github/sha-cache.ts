/**
 * Git objects never change under a sha, so reading one twice is waste. This
 * bounded in-memory cache is an optimisation, not state: losing it costs a
 * request, never correctness.
 */
export class ShaCache<T> {
  readonly #entries = new Map<string, T>();
  readonly limit: number;

  constructor(limit = 2000) {
    this.limit = limit;
  }

  async get(sha: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(sha);
    if (hit !== undefined) {
      this.#entries.delete(sha);
      this.#entries.set(sha, hit);
      return hit;
    }
    const value = await load();
    this.#entries.set(sha, value);
    if (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return value;
  }
}
