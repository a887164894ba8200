/**
 * Every read marker that moves is told to every member's devices; a reader following a busy
 * group would otherwise send one per message, each heard by everyone.
 */
export const READ_SEND_INTERVAL_MS = 1_000;

export interface ReadSender {
  /** The user has read the conversation up to seq. */
  mark(conversationId: string, seq: number): void;
  /** Sends every marker still waiting, as the page is hidden or left. */
  flush(): void;
}

/**
 * Turns "read up to seq" into markers for the server: the first goes at once, then at most one
 * per interval per conversation, carrying the highest seq read meanwhile.
 */
export function readSender(send: (conversationId: string, seq: number) => void, intervalMs = READ_SEND_INTERVAL_MS): ReadSender {
  const waiting = new Map<string, { seq: number | null; timer: ReturnType<typeof setTimeout> }>();

  function open(conversationId: string): void {
    waiting.set(conversationId, { seq: null, timer: setTimeout(() => release(conversationId), intervalMs) });
  }

  function release(conversationId: string): void {
    const entry = waiting.get(conversationId);
    waiting.delete(conversationId);
    if (entry?.seq == null) return;
    send(conversationId, entry.seq);
    open(conversationId);
  }

  return {
    mark(conversationId, seq) {
      const entry = waiting.get(conversationId);
      if (!entry) {
        send(conversationId, seq);
        open(conversationId);
      } else if (seq > (entry.seq ?? 0)) {
        entry.seq = seq;
      }
    },
    flush() {
      for (const [conversationId, entry] of waiting) {
        clearTimeout(entry.timer);
        if (entry.seq !== null) send(conversationId, entry.seq);
      }
      waiting.clear();
    },
  };
}
