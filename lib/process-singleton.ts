/** What this copy of the module has already found, by name. */
const found = new Map<string, unknown>();

/**
 * server.ts is loaded by Node while route handlers are loaded from Next's bundle, so every
 * module in lib/ exists twice in one process. State that both must share (database driver,
 * realtime hub, metrics) is therefore kept on globalThis under a registered symbol.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  // Some callers look theirs up on every request: building the symbol's name each time cost 1-2 % of one.
  if (found.has(name)) return found.get(name) as T;
  const key = Symbol.for(`pneumatic.${name}`);
  const holder = globalThis as Record<symbol, unknown>;
  if (!(key in holder)) holder[key] = create();
  found.set(name, holder[key]);
  return holder[key] as T;
}
