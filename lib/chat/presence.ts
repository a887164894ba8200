import { randomUUID } from "node:crypto";

import type { PresenceDto } from "@/lib/chat/present";
import { getRepository } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { liveSince } from "@/lib/db/repository";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/process-singleton";

/**
 * Who is online: a user is online while any live instance holds one of their connections.
 * Each instance counts its own connections per user and writes only the transitions (first
 * connection, last one closed) to the database, one user at a time, so the rows follow the
 * counts however fast connections come and go. An instance that dies stops its heartbeat; the
 * others then forget it and tell its users' peers they went offline.
 */
class PresenceTracker {
  readonly instanceId = randomUUID();
  private readonly counts = new Map<string, number>();
  private readonly written = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();
  private heartbeat: NodeJS.Timeout | null = null;

  connected(userId: string): void {
    this.counts.set(userId, (this.counts.get(userId) ?? 0) + 1);
    this.reconcile(userId);
    // An instance says it is alive three times within the time after which it counts as gone.
    this.heartbeat ??= setInterval(() => void this.beat(), getConfig().presenceExpiryMs / 3).unref();
  }

  disconnected(userId: string): void {
    const left = (this.counts.get(userId) ?? 1) - 1;
    if (left > 0) this.counts.set(userId, left);
    else this.counts.delete(userId);
    this.reconcile(userId);
  }

  /** Brings the user's row on this instance in line with the count, after any change already under way. */
  private reconcile(userId: string): void {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const next = previous.then(() => this.write(userId)).catch((error: unknown) => {
      log("warn", "presence not recorded", { userId, error: error instanceof Error ? error.message : String(error) });
    });
    this.queues.set(userId, next);
    void next.then(() => {
      if (this.queues.get(userId) === next) this.queues.delete(userId);
    });
  }

  private async write(userId: string): Promise<void> {
    const wanted = this.counts.has(userId);
    if (wanted === this.written.has(userId)) return;
    const repository = await getRepository();
    const now = new Date().toISOString();
    if (wanted) {
      const { wasOnline } = await repository.addPresence(this.instanceId, userId, now);
      this.written.add(userId);
      if (!wasOnline) await announce([userId], true, now);
    } else {
      const { stillOnline } = await repository.removePresence(this.instanceId, userId, now);
      this.written.delete(userId);
      if (!stillOnline) await announce([userId], false, now);
    }
  }

  private async beat(): Promise<void> {
    try {
      const repository = await getRepository();
      const now = new Date().toISOString();
      await repository.touchInstance(this.instanceId, now);
      await announce(await repository.removeInstances(liveSince(), null, now), false, now);
    } catch (error) {
      log("warn", "presence heartbeat failed", { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** On shutdown: this instance's users go offline unless connected elsewhere. */
  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.all(this.queues.values());
    const repository = await getRepository();
    const now = new Date().toISOString();
    await announce(await repository.removeInstances(liveSince(), this.instanceId, now), false, now);
  }
}

/** Tells everyone who shares a conversation with each user that they came online or went offline. */
async function announce(userIds: string[], online: boolean, now: string): Promise<void> {
  const repository = await getRepository();
  for (const userId of userIds) {
    const payload: PresenceDto = { type: "presence", user_id: userId, online, last_seen_at: now };
    await repository.broadcast({ recipientIds: await repository.peerIdsOf(userId), payload: { ...payload } });
  }
}

function tracker(): PresenceTracker {
  return processSingleton("presence", () => new PresenceTracker());
}

/**
 * Counts a new connection of the user; call untrackPresence once when it closes. No release
 * closure is returned: one would live as long as each open connection.
 */
export function trackPresence(userId: string): void {
  tracker().connected(userId);
}

export function untrackPresence(userId: string): void {
  tracker().disconnected(userId);
}

/** Takes this instance's users offline (unless connected elsewhere) before it stops. */
export function stopPresence(): Promise<void> {
  return tracker().stop();
}
