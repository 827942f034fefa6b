/**
 * A bounded map whose entries live at most `ttlMs` from when they were stored, on a monotonic clock
 * (not the sandbox clock): an expired entry is never returned. Over `maxEntries`, the least recently
 * used entry goes first. The in-process caches (sessions, the catalogue's trust figures) keep their
 * entries in one.
 */
export class TtlMap<K, V> {
  readonly #entries = new Map<K, { value: V; storedAt: number }>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
    /** Monotonic milliseconds (tests pass their own). */
    readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (this.now() - entry.storedAt >= this.ttlMs) return undefined;
    this.#entries.set(key, entry); // most recently used last
    return entry.value;
  }

  /** `storedAt`: when the value was read (a read that began before now counts from its start). */
  set(key: K, value: V, storedAt = this.now()): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, storedAt });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Drops every entry whose value matches. A scan: for rare invalidations. */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.#entries) if (matches(entry.value)) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
