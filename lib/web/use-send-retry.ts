"use client";

import { useEffect, useRef } from "react";

import type { PendingMessage } from "@/lib/web/chat-store";

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/** After this many automatic tries the message waits for the user's own "retry". */
export const MAX_AUTOMATIC_RETRIES = 8;

/**
 * Sends failed messages again by themselves while the connection is live, with the same
 * message_id (so a send that did reach the server is not stored twice), backing off between
 * rounds. Coming back online starts again from the shortest wait.
 */
export function useSendRetry(failed: readonly PendingMessage[], live: boolean, retry: (message: PendingMessage) => void): void {
  const rounds = useRef(0);
  const latestRetry = useRef(retry);
  useEffect(() => {
    latestRetry.current = retry;
  });
  useEffect(() => {
    if (!live) rounds.current = 0;
  }, [live]);
  useEffect(() => {
    if (failed.length === 0) {
      rounds.current = 0;
      return;
    }
    if (!live || rounds.current >= MAX_AUTOMATIC_RETRIES) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** rounds.current);
    const timer = setTimeout(() => {
      rounds.current++;
      for (const message of failed) latestRetry.current(message);
    }, delay);
    return () => clearTimeout(timer);
  }, [failed, live]);
}
