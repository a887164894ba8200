/**
 * server.ts is loaded by Node while route handlers are loaded from Next's bundle, so every
 * module in lib/ exists twice in one process. State that both must share (database driver,
 * realtime hub, metrics) is therefore kept on globalThis under a registered symbol.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`pneumatic.${name}`);
  const holder = globalThis as Record<symbol, unknown>;
  if (!(key in holder)) holder[key] = create();
  return holder[key] as T;
}
