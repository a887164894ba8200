import type { MessageDto } from "@/lib/chat/present";
import { getConfig } from "@/lib/config";
import { processSingleton } from "@/lib/process-singleton";

export interface MessageEvent {
  type: "message";
  message: MessageDto;
  memberIds: string[];
}

export type HubEvent = MessageEvent;
export type HubListener = (event: HubEvent) => void;

interface Fanout {
  event: HubEvent;
  listeners: HubListener[];
  next: number;
}

/** Listeners called per turn of the event loop, so a burst to a huge group never stalls other users. */
const DELIVERIES_PER_TURN = 500;

/**
 * Routes stored events to the listeners (WebSocket connections) of each member. One per
 * process, shared by route handlers, server actions and the WebSocket server. Events fan out
 * in delivery order, in batches.
 *
 * With one process (SQLite) `publish` delivers at once. With several instances on PostgreSQL
 * the transaction that stores a message also announces it to all of them (NOTIFY), and each
 * instance's relay (lib/realtime/pg-relay.ts) hands what it hears to `deliver`; `publish` then
 * delivers nothing itself, or the publishing instance would deliver twice.
 */
export class Hub {
  private readonly listeners = new Map<string, Set<HubListener>>();
  private readonly fanouts: Fanout[] = [];
  private budget = DELIVERIES_PER_TURN;
  private turnScheduled = false;

  constructor(private readonly announcedByStore: boolean) {}

  subscribe(userId: string, listener: HubListener): () => void {
    const set = this.listeners.get(userId) ?? new Set<HubListener>();
    set.add(listener);
    this.listeners.set(userId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(userId) === set) this.listeners.delete(userId);
    };
  }

  publish(event: HubEvent): void {
    if (!this.announcedByStore) this.deliver(event);
  }

  /** Fans an event out to the listeners of its members in this process. */
  deliver(event: HubEvent): void {
    const listeners = event.memberIds.flatMap((userId) => [...(this.listeners.get(userId) ?? [])]);
    if (listeners.length === 0) return;
    this.fanouts.push({ event, listeners, next: 0 });
    this.drain();
  }

  private drain(): void {
    while (this.budget > 0 && this.fanouts.length > 0) {
      const fanout = this.fanouts[0]!;
      while (this.budget > 0 && fanout.next < fanout.listeners.length) {
        fanout.listeners[fanout.next++]!(fanout.event);
        this.budget--;
      }
      if (fanout.next === fanout.listeners.length) this.fanouts.shift();
    }
    if (!this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(this.nextTurn);
    }
  }

  private readonly nextTurn = (): void => {
    this.turnScheduled = false;
    this.budget = DELIVERIES_PER_TURN;
    if (this.fanouts.length > 0) this.drain();
  };
}

export function getHub(): Hub {
  return processSingleton("hub", () => new Hub(getConfig().database.dialect === "postgres"));
}
