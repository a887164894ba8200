"use client";

import { useLayoutEffect, useState } from "react";

type Handler = (...args: unknown[]) => unknown;

/** Where the latest handlers are kept; a plain object the stable callers read when called. */
class Latest<T> {
  constructor(private handlers: T) {}

  set(handlers: T): void {
    this.handlers = handlers;
  }

  call(name: keyof T, args: unknown[]): unknown {
    return (this.handlers[name] as Handler)(...args);
  }
}

/**
 * The same object on every render, calling the latest handlers: memoized rows that receive it
 * are not re-rendered just because their parent built new closures. The set of handler names
 * is taken from the first render.
 */
export function useStableHandlers<T extends object>(handlers: T): T {
  const [latest] = useState(() => new Latest(handlers));
  useLayoutEffect(() => {
    latest.set(handlers);
  });
  const [stable] = useState(
    () => Object.fromEntries(Object.keys(handlers).map((name) => [name, (...args: unknown[]) => latest.call(name as keyof T, args)])) as T,
  );
  return stable;
}
