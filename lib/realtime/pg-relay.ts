import postgres from "postgres";

import { presentMessage } from "@/lib/chat/present";
import type { PostgresTarget } from "@/lib/config";
import { MESSAGES_CHANNEL, parseAnnouncement, type Announcement } from "@/lib/db/pg/announcements";
import { postgresOptions } from "@/lib/db/pg/connection";
import type { ChatRepository, MessageRecord } from "@/lib/db/repository";
import { getRepository } from "@/lib/db";
import { log } from "@/lib/log";
import type { Hub } from "@/lib/realtime/hub";

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 2_000;
const CATCH_UP_PAGE = 200;

export interface MessageRelay {
  /** Resolves once LISTEN is in place (it keeps retrying until then). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Listens for the messages any instance stores on this PostgreSQL and delivers each to this
 * process's hub, one at a time in the order PostgreSQL announced them (commit order). The
 * LISTEN connection is re-established after it drops; what was announced meanwhile is read
 * back from the database for every conversation this instance has relayed before.
 */
export function startPostgresRelay(target: PostgresTarget, hub: Hub): MessageRelay {
  const lastSeq = new Map<string, number>();
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  let listened = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  // postgres.js's own listen() re-listens once after a drop and gives up silently if the
  // server is still down; this client does it by hand instead. `onnotify` is the hook that
  // listen() is built on, missing from the published types.
  const notifications = {
    onnotify: (channel: string, payload: string) => {
      if (channel === MESSAGES_CHANNEL) enqueue(() => relay(payload));
    },
  };
  const client = postgres(
    target.url,
    Object.assign(
      postgresOptions(target, {
        max: 1,
        max_lifetime: null,
        onclose: () => {
          if (stopped) return;
          log("warn", "relay connection lost; listening again", { channel: MESSAGES_CHANNEL });
          scheduleListen(RETRY_MIN_MS);
        },
      }),
      notifications,
    ),
  );

  function enqueue(task: () => Promise<void>): void {
    queue = queue.then(task).catch((error: unknown) => {
      log("error", "relay delivery failed", { error: error instanceof Error ? error.message : String(error) });
    });
  }

  function deliver(message: MessageRecord, memberIds: string[]): void {
    const last = lastSeq.get(message.conversationId);
    if (last !== undefined && message.seq <= last) return;
    lastSeq.set(message.conversationId, message.seq);
    hub.deliver({ type: "message", message: presentMessage(message), memberIds });
  }

  async function load(repository: ChatRepository, conversationId: string, seq: number): Promise<MessageRecord | null> {
    const [message] = await repository.listMessages(conversationId, { after: seq - 1, limit: 1 });
    return message?.seq === seq ? message : null;
  }

  async function relay(payload: string): Promise<void> {
    const announcement: Announcement | null = parseAnnouncement(payload);
    if (!announcement) return log("warn", "relay ignored an unknown announcement", { bytes: payload.length });
    if ("message" in announcement) return deliver(announcement.message, announcement.memberIds);
    const repository = await getRepository();
    const message = await load(repository, announcement.conversationId, announcement.seq);
    if (message) deliver(message, await repository.memberIdsOf(message.conversationId));
  }

  async function catchUp(): Promise<void> {
    const repository = await getRepository();
    for (const [conversationId, after] of lastSeq) {
      let cursor = after;
      for (;;) {
        const page = await repository.listMessages(conversationId, { after: cursor, limit: CATCH_UP_PAGE });
        if (page.length === 0) break;
        const memberIds = await repository.memberIdsOf(conversationId);
        for (const message of page) deliver(message, memberIds);
        cursor = page[page.length - 1]!.seq;
      }
    }
  }

  async function listen(): Promise<void> {
    if (stopped) return;
    try {
      await client.unsafe(`listen "${MESSAGES_CHANNEL}"`);
    } catch (error) {
      log("warn", "relay cannot listen yet", { error: error instanceof Error ? error.message : String(error), retryInMs: retryMs });
      scheduleListen(Math.min(retryMs * 2, RETRY_MAX_MS));
      return;
    }
    retryMs = RETRY_MIN_MS;
    log("info", "relay listening", { channel: MESSAGES_CHANNEL });
    if (listened) enqueue(catchUp);
    listened = true;
    markReady();
  }

  function scheduleListen(delayMs: number): void {
    if (stopped || retryTimer) return;
    retryMs = delayMs;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void listen();
    }, delayMs);
  }

  void listen();

  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await client.end({ timeout: 1 });
      await queue;
    },
  };
}
