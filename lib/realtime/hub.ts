import { hearersOf } from "@/lib/chat/audience";
import { signalPassed } from "@/lib/chat/awareness";
import { listenToStore } from "@/lib/db";
import type { Announcement, Signal } from "@/lib/db/repository";
import { processSingleton } from "@/lib/process-singleton";
import { KeyedSets } from "@/lib/realtime/keyed-sets";

/** A client connection as the hub sees it. */
export interface HubListener {
  event(announcement: Announcement): void;
  signal(payload: Signal["payload"]): void;
}

interface Fanout {
  announcement: Announcement;
  listeners: HubListener[];
  next: number;
}

/** Listeners called per turn of the event loop, so a burst to a huge group never stalls other users. */
const DELIVERIES_PER_TURN = 500;

/**
 * Routes announced events to the listeners (client connections) of the members who hear
 * them, in announcement order, in batches; and signals to their recipients. One per process; it hears the store, so it does
 * not know or care which database runs or which instance stored an event.
 */
export class Hub {
  private readonly listeners = new KeyedSets<string, HubListener>();
  private readonly fanouts: Fanout[] = [];
  private budget = DELIVERIES_PER_TURN;
  private turnScheduled = false;

  /** Until unsubscribe: no closure is returned, as one would live as long as each open socket. */
  subscribe(userId: string, listener: HubListener): void {
    this.listeners.add(userId, listener);
  }

  unsubscribe(userId: string, listener: HubListener): void {
    this.listeners.delete(userId, listener);
  }

  /** Fans an announcement out to the listeners of those who hear it in this process. */
  deliver(announcement: Announcement): void {
    const listeners = hearersOf(announcement).flatMap((userId) => [...this.listeners.get(userId)]);
    if (listeners.length === 0) return;
    this.fanouts.push({ announcement, listeners, next: 0 });
    this.drain();
  }

  /** Hands a signal to the listeners of its recipients in this process, at once, unless it is one too many (see signalPassed). */
  signal({ recipientIds, payload }: Signal): void {
    if (!signalPassed(payload)) return;
    for (const userId of recipientIds) for (const listener of this.listeners.get(userId)) listener.signal(payload);
  }

  private drain(): void {
    while (this.budget > 0 && this.fanouts.length > 0) {
      const fanout = this.fanouts[0]!;
      while (this.budget > 0 && fanout.next < fanout.listeners.length) {
        fanout.listeners[fanout.next++]!.event(fanout.announcement);
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

/** The process's hub, listening to the store from its creation on. */
export function getHub(): Hub {
  return processSingleton("hub", () => {
    const hub = new Hub();
    listenToStore({ event: (announcement) => hub.deliver(announcement), signal: (signal) => hub.signal(signal) });
    return hub;
  });
}
