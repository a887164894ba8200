import { z } from "zod";

import { idSchema, MAX_SEQ } from "@/lib/chat/schemas";
import { getConfig } from "@/lib/config";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/process-singleton";
import { ClientConnection, type Transport } from "@/lib/realtime/connection";
import type { SocketCredential } from "@/lib/realtime/connection-auth";
import { guardSession, type SessionGuard } from "@/lib/realtime/session-guard";
import type { SyncedFrame } from "@/lib/realtime/wire";

export const EVENT_STREAM_PATH = "/events";

/** `?cursors=` of /events: the same per-conversation cursors a `sync` frame carries. */
export const eventStreamQuerySchema = z.object({
  cursors: z
    .string()
    .max(64 * 1024)
    .meta({ description: 'JSON object of conversation id to the last seq received, e.g. {"c1":12}' })
    .optional()
    .transform((text, context) => {
      if (text === undefined) return {};
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "must be a JSON object of conversation ids to seqs" });
        return z.NEVER;
      }
    })
    .pipe(z.record(idSchema, z.number().int().min(0).max(MAX_SEQ, `must be at most ${MAX_SEQ}`))),
});

const encoder = new TextEncoder();

/** The open streams' end functions, shared by the route handlers' and server.ts's copies of this module. */
const openStreams = processSingleton("event-streams", () => new Set<() => void>());

/** Ends every open stream, as a shutdown closes WebSockets: clients reconnect elsewhere and sync. */
export function closeEventStreams(): void {
  for (const end of [...openStreams]) end();
}
const SYNCED_PREFIX = '{"type":"synced"';

/**
 * The live protocol's server-to-client half as Server-Sent Events, for deployments where no
 * WebSocket server runs (`next start`, serverless platforms). It is the same ClientConnection
 * as on /ws, over another transport: same frames, same per-conversation cursors, every event
 * after them exactly once. The client sends nothing on the stream: its cursors come with the
 * request, and when one sync round stops at its limit (`more`), the stream starts the next.
 * Like a WebSocket, the stream ends when its session is revoked or its credential expires;
 * reopening it is then refused with 401.
 */
export function openEventStream(credential: SocketCredential, cursors: Record<string, number>, signal: AbortSignal): Response {
  const { userId } = credential;
  const { websocket } = getConfig();
  let output!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;

  const write = (text: string) => {
    if (!closed) output.enqueue(encoder.encode(text));
  };
  const transport: Transport = {
    send(data) {
      write(`data: ${data}\n\n`);
      if (data.startsWith(SYNCED_PREFIX)) {
        const synced = JSON.parse(data) as SyncedFrame;
        if (synced.more.length > 0) void connection.sync({ cursors: synced.cursors }).catch(end);
      }
    },
    get bufferedAmount() {
      // The stream queues with a high-water mark of 0 bytes: what is queued is unsent.
      return Math.max(0, -(output.desiredSize ?? 0));
    },
    get open() {
      return !closed;
    },
    terminate: () => end(),
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        output = controller;
      },
      cancel: () => end(),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
  );
  const connection = new ClientConnection(userId, transport, websocket.maxBufferedBytes);
  // A comment line now gets the headers through proxies; one per heartbeat keeps idle ones open.
  write(": connected\n\n");
  const heartbeat = setInterval(() => write(": ping\n\n"), websocket.heartbeatMs);
  openStreams.add(end);
  // guardSession ends an already expired credential's stream at once, before it returns.
  let guard: SessionGuard | null = null;
  guard = guardSession(credential, { endSession: (reason) => end(reason) });
  if (closed) guard.release();
  log("info", "event stream connected", { userId });

  function end(error?: unknown): void {
    if (closed) return;
    closed = true;
    openStreams.delete(end);
    guard?.release();
    clearInterval(heartbeat);
    connection.close();
    log("info", "event stream disconnected", { userId, ...(error ? { error: String(error) } : {}) });
    try {
      output.close();
    } catch {
      // Already cancelled by the client.
    }
  }

  signal.addEventListener("abort", () => end());
  // A failed first sync (database down) ends the stream: the client reconnects with back-off.
  connection.sync({ cursors }).catch(end);

  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      // nginx would otherwise hold events back in its buffer.
      "X-Accel-Buffering": "no",
    },
  });
}
