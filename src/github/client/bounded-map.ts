/**
 * A map of at most `limit` entries by string key: setting one past the limit
 * forgets the least recently set (`get` with `touch` counts as setting). For
 * what this process keeps of GitHub's answers and its own writes: losing an
 * entry costs a request, never correctness.
 */
export class BoundedMap<V> {
  readonly #entries = new Map<string, V>();
  readonly limit: number;

  constructor(limit = 2_000) {
    this.limit = limit;
  }

  get(key: string, { touch = false }: { touch?: boolean } = {}): V | undefined {
    const value = this.#entries.get(key);
    if (touch && value !== undefined) this.set(key, value);
    return value;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
