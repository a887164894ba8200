/**
 * A set of values per key, for the live connections by user and by session: most keys hold one
 * connection, and a Set for it would cost some 150 bytes more per open socket than the value
 * itself. So a key's only value is kept as it is, and its values go into a Set from the second on.
 * Values must not themselves be Sets.
 */
export class KeyedSets<K, V extends object> {
  private readonly entries = new Map<K, V | Set<V>>();

  add(key: K, value: V): void {
    const current = this.entries.get(key);
    if (current === undefined) this.entries.set(key, value);
    else if (current instanceof Set) current.add(value);
    else if (current !== value) this.entries.set(key, new Set([current, value]));
  }

  /** Removes the value from the key's set; false if it was not in it. */
  delete(key: K, value: V): boolean {
    const current = this.entries.get(key);
    if (current === value) return this.entries.delete(key);
    if (!(current instanceof Set) || !current.delete(value)) return false;
    if (current.size === 1) this.entries.set(key, current.values().next().value!);
    return true;
  }

  /** The key's values; a Set returned here may change as values are added or deleted. */
  get(key: K): Iterable<V> {
    const current = this.entries.get(key);
    if (current === undefined) return [];
    return current instanceof Set ? current : [current];
  }
}
