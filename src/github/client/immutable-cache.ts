/**
 * For values that never change under their key: git objects by sha, a closed
 * PR's reviews at one `updated_at`. Reading one twice is waste. This bounded
 * in-memory cache is an optimisation, not state: losing it costs a request,
 * never correctness.
 */
export class ImmutableCache<T> {
  readonly #entries = new Map<string, T>();
  readonly limit: number;

  constructor(limit = 2000) {
    this.limit = limit;
  }

  /** The value under `key`, without loading it. */
  peek(key: string): T | undefined {
    return this.#entries.get(key);
  }

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const value = await load();
    this.set(key, value);
    return value;
  }

  /** Keeps a value read another way (several in one request). */
  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
