import type { MessageDto } from "@/lib/chat/present";
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

/** Listeners called before the hub yields to the event loop; a huge group never stalls other users. */
const FANOUT_BATCH = 500;

/**
 * Routes stored events to the listeners (WebSocket connections) of each member. One per
 * process, shared by route handlers, server actions and the WebSocket server. Events fan out
 * in publication order, in batches.
 */
export class Hub {
  private readonly listeners = new Map<string, Set<HubListener>>();
  private readonly fanouts: Fanout[] = [];
  private draining = false;

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
    const listeners = event.memberIds.flatMap((userId) => [...(this.listeners.get(userId) ?? [])]);
    if (listeners.length === 0) return;
    this.fanouts.push({ event, listeners, next: 0 });
    if (!this.draining) this.drain();
  }

  private readonly drain = (): void => {
    this.draining = true;
    let budget = FANOUT_BATCH;
    while (budget > 0 && this.fanouts.length > 0) {
      const fanout = this.fanouts[0]!;
      while (budget > 0 && fanout.next < fanout.listeners.length) {
        fanout.listeners[fanout.next++]!(fanout.event);
        budget--;
      }
      if (fanout.next === fanout.listeners.length) this.fanouts.shift();
    }
    if (this.fanouts.length > 0) setImmediate(this.drain);
    else this.draining = false;
  };
}

export function getHub(): Hub {
  return processSingleton("hub", () => new Hub());
}
