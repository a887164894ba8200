import { AsyncLocalStorage } from "node:async_hooks";

import { processSingleton } from "@/lib/process-singleton";

/** What the HTTP observer knows about the request in flight, readable from route handlers below it. */
export interface RequestContext {
  requestId: string;
  clientIp: string;
  /** Set once a valid access token has been seen, for the request's log line. */
  userId?: string;
}

const storage = processSingleton("request-context", () => new AsyncLocalStorage<RequestContext>());

/** Makes `context` the current request's for the rest of this tick and all it starts. */
export function enterRequestContext(context: RequestContext): void {
  storage.enterWith(context);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
