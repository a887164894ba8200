import { AsyncLocalStorage } from "node:async_hooks";

import { processSingleton } from "@/lib/process-singleton";

/** What server.ts knows about the request in flight, readable from route handlers below it. */
export interface RequestContext {
  requestId: string;
  clientIp: string;
  /** Set once a valid access token has been seen, for the request's log line. */
  userId?: string;
}

const storage = processSingleton("request-context", () => new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(context: RequestContext, run: () => T): T {
  return storage.run(context, run);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
