import postgres from "postgres";

import type { PostgresTarget } from "@/lib/config";
import { SESSIONS_CHANNEL } from "@/lib/db/accounts";
import { EVENTS_CHANNEL, parseNotice, parseSessionIds, parseSignal, SIGNALS_CHANNEL } from "@/lib/db/pg/announcements";
import { postgresOptions } from "@/lib/db/pg/connection";
import type { PostgresRepository } from "@/lib/db/pg/repository";
import type { Announcer, StoredEvent } from "@/lib/db/repository";
import { log } from "@/lib/log";
import { OrderedFeed } from "@/lib/stream/feed";

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 2_000;
const PAGE = 500;
/**
 * How far before a lost connection catch-up looks: an event's created_at is taken before its
 * transaction commits, on whichever instance's clock, so it may predate the loss a little.
 */
const CATCH_UP_MARGIN_MS = 60_000;

export interface EventListener {
  /** Resolves once LISTEN is in place (it keeps retrying until then). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Hears the events any instance stores on this PostgreSQL and announces each once, in each
 * conversation's seq order (NOTIFY arrives in commit order; the feed drops what catch-up
 * already gave and fills any gap). The LISTEN connection is re-established after it drops,
 * and what was stored meanwhile is read back from the database.
 *
 * The same connection hears the signals and the sessions revoked through any instance
 * (`sessionsEnded`): one LISTEN connection per instance, since PostgreSQL wakes every
 * listening connection of the database on each commit that notifies. A revocation missed
 * while the connection was down is not read back: its sockets close when their token expires,
 * and the token is refused on every other use.
 */
export function listenForEvents(
  target: PostgresTarget,
  repository: PostgresRepository,
  announcer: Announcer,
  sessionsEnded: (sessionIds: string[]) => void,
): EventListener {
  const feed = new OrderedFeed();
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  let lostAt: number | null = null;
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
      if (channel === EVENTS_CHANNEL) enqueue(() => receive(payload));
      if (channel === SIGNALS_CHANNEL) receiveSignal(payload);
      if (channel === SESSIONS_CHANNEL) receiveSessionIds(payload);
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
          lostAt ??= Date.now();
          log("warn", "event listener connection lost; listening again", { channel: EVENTS_CHANNEL });
          scheduleListen(RETRY_MIN_MS);
        },
      }),
      notifications,
    ),
  );

  function enqueue(task: () => Promise<void>): void {
    queue = queue.then(task).catch((error: unknown) => {
      log("error", "event listener failed to announce", { error: describe(error) });
    });
  }

  async function announceInOrder(event: StoredEvent, memberIds: string[] | null): Promise<void> {
    repository.heard(event);
    const admission = feed.admit(event.conversationId, event.seq);
    if (admission.kind === "duplicate") return;
    if (admission.kind === "gap") await replay(event.conversationId, admission.after, admission.until);
    if (feed.admit(event.conversationId, event.seq).kind !== "deliver") return;
    feed.record(event.conversationId, event.seq);
    announcer.event({ event, memberIds: memberIds ?? (await repository.memberIdsOf(event.conversationId)) });
  }

  async function replay(conversationId: string, after: number, until: number): Promise<void> {
    for (let cursor = after; cursor < until; ) {
      const page = await repository.listEvents(conversationId, cursor, Math.min(PAGE, until - cursor));
      if (page.length === 0) return;
      const memberIds = await repository.memberIdsOf(conversationId);
      for (const event of page) {
        feed.record(conversationId, event.seq);
        announcer.event({ event, memberIds });
      }
      cursor = page[page.length - 1]!.seq;
    }
  }

  async function receive(payload: string): Promise<void> {
    const own = repository.ownAnnouncement(payload);
    if (own) return announceInOrder(own.event, own.memberIds);
    const notice = parseNotice(payload);
    if (!notice) return log("warn", "event listener ignored an unknown notice", { bytes: payload.length });
    if ("event" in notice) return announceInOrder(notice.event, notice.memberIds);
    const [event] = await repository.listEvents(notice.conversationId, notice.seq - 1, 1);
    if (event?.seq === notice.seq) await announceInOrder(event, null);
  }

  /** Signals are of the moment: they are passed on as they come, and not caught up. */
  function receiveSignal(payload: string): void {
    const signal = parseSignal(payload);
    if (signal) announcer.signal(signal);
    else log("warn", "event listener ignored an unknown signal", { bytes: payload.length });
  }

  function receiveSessionIds(payload: string): void {
    const sessionIds = parseSessionIds(payload);
    if (sessionIds) sessionsEnded(sessionIds);
    else log("warn", "event listener ignored a malformed session revocation", { bytes: payload.length });
  }

  async function catchUp(since: number): Promise<void> {
    const from = new Date(since - CATCH_UP_MARGIN_MS).toISOString();
    let seen = 0;
    for (;;) {
      const page = await repository.listEventsSince(from, seen, PAGE);
      for (const event of page) await announceInOrder(event, null);
      if (page.length < PAGE) return;
      seen += page.length;
    }
  }

  async function listen(): Promise<void> {
    if (stopped) return;
    try {
      await client.unsafe(`listen "${EVENTS_CHANNEL}"`);
      await client.unsafe(`listen "${SIGNALS_CHANNEL}"`);
      await client.unsafe(`listen "${SESSIONS_CHANNEL}"`);
    } catch (error) {
      log("warn", "event listener cannot listen yet", { error: describe(error), retryInMs: retryMs });
      scheduleListen(Math.min(retryMs * 2, RETRY_MAX_MS));
      return;
    }
    retryMs = RETRY_MIN_MS;
    log("info", "event listener listening", { channel: EVENTS_CHANNEL });
    if (lostAt !== null) {
      const since = lostAt;
      lostAt = null;
      enqueue(() => catchUp(since));
    }
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
