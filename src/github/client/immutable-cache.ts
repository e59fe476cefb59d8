import { BoundedMap } from './bounded-map.js';

/**
 * For values that never change under their key: git objects by sha, a closed
 * PR's reviews at one `updated_at`. Reading one twice is waste. This bounded
 * in-memory cache is an optimisation, not state: losing it costs a request,
 * never correctness.
 */
export class ImmutableCache<T> {
  readonly #entries: BoundedMap<T>;

  constructor(limit = 2000) {
    this.#entries = new BoundedMap<T>(limit);
  }

  /** The value under `key`, without loading it. */
  peek(key: string): T | undefined {
    return this.#entries.get(key);
  }

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key, { touch: true });
    if (hit !== undefined) return hit;
    const value = await load();
    this.set(key, value);
    return value;
  }

  /** Keeps a value read another way (several in one request). */
  set(key: string, value: T): void {
    this.#entries.set(key, value);
  }

  clear(): void {
    this.#entries.clear();
  }
}
