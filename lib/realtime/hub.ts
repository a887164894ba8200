import type { MessageDto } from "@/lib/chat/present";
import { processSingleton } from "@/lib/process-singleton";

export interface MessageEvent {
  type: "message";
  message: MessageDto;
  memberIds: string[];
}

export type HubEvent = MessageEvent;
export type HubListener = (event: HubEvent) => void;

/**
 * Routes stored events to the listeners (WebSocket connections) of each member. One per
 * process, shared by route handlers, server actions and the WebSocket server.
 */
export class Hub {
  private readonly listeners = new Map<string, Set<HubListener>>();

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
    for (const userId of event.memberIds) {
      for (const listener of this.listeners.get(userId) ?? []) listener(event);
    }
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }
}

export function getHub(): Hub {
  return processSingleton("hub", () => new Hub());
}
