/** The server passes on one typing frame per user and conversation every 2 s; sending more is waste. */
export const TYPING_SEND_INTERVAL_MS = 2_000;

/**
 * Turns keystrokes into typing frames: the first keystroke sends at once, then at most one per
 * interval per conversation while the typing goes on.
 */
export function typingSender(send: (conversationId: string) => void, intervalMs = TYPING_SEND_INTERVAL_MS, now: () => number = Date.now) {
  const lastSent = new Map<string, number>();
  return (conversationId: string): void => {
    const at = now();
    if (at - (lastSent.get(conversationId) ?? -Infinity) < intervalMs) return;
    lastSent.set(conversationId, at);
    send(conversationId);
  };
}
