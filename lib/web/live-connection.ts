import type { MessageDto } from "@/lib/chat/present";
import type { EventFrame, MessageUpdatedFrame, SyncedFrame, SyncRequest } from "@/lib/realtime/wire";
import type { ConnectionStatus } from "@/lib/web/chat-store";

export interface LiveConnectionOptions {
  url: string;
  /** Where catch-up starts, asked afresh on every (re)connection. */
  cursors: () => Record<string, number>;
  onMessage: (message: MessageDto) => void;
  /** An edit, deletion or reaction: the message's whole new state under the event's seq. */
  onMessageUpdated: (frame: MessageUpdatedFrame) => void;
  onStatus: (status: ConnectionStatus) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

type IncomingFrame = EventFrame | Pick<SyncedFrame, "type" | "more"> | { type: "other" };

function isMessage(value: unknown): value is MessageDto {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  return (
    typeof message.id === "string" &&
    typeof message.message_id === "string" &&
    typeof message.sender_id === "string" &&
    typeof message.conversation_id === "string" &&
    typeof message.content === "string" &&
    typeof message.created_at === "string" &&
    typeof message.seq === "number" &&
    typeof message.deleted === "boolean" &&
    Array.isArray(message.reactions) &&
    Array.isArray(message.mentions)
  );
}

function parseFrame(data: unknown): IncomingFrame {
  if (typeof data !== "string") return { type: "other" };
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return { type: "other" };
  }
  if (typeof frame !== "object" || frame === null) return { type: "other" };
  const { type, message, more, seq, conversation_id } = frame as Record<string, unknown>;
  if (type === "message" && isMessage(message)) return { type, message };
  if (type === "message_updated" && isMessage(message) && typeof seq === "number" && typeof conversation_id === "string") {
    return { type, seq, conversation_id, message };
  }
  if (type === "synced") return { type, more: Array.isArray(more) ? more.filter((id) => typeof id === "string") : [] };
  return { type: "other" };
}

/** The /ws address of the page's own server; the browser sends the session cookie with it. */
export function sameOriginSocketUrl(location: Pick<Location, "protocol" | "host">): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}

/**
 * Keeps one WebSocket open to the chat server. Every (re)connection starts with a sync frame
 * carrying the last seq seen per conversation, so whatever was missed while disconnected is
 * replayed; a lost connection is retried with exponential back-off and jitter.
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private stopped = false;
  private status: ConnectionStatus | null = null;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(private readonly options: LiveConnectionOptions) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.close(1000, "Leaving");
    this.socket = null;
  }

  /** Retries at once instead of waiting out the back-off (the browser came back online). */
  retryNow(): void {
    if (this.stopped || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus(status);
  }

  private connect(): void {
    this.setStatus(this.attempts === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => this.sync();
    socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.scheduleRetry();
    };
  }

  private sync(): void {
    const frame: SyncRequest = { type: "sync", cursors: this.options.cursors() };
    this.socket?.send(JSON.stringify(frame));
  }

  private receive(data: unknown): void {
    const frame = parseFrame(data);
    if (frame.type === "message") {
      this.options.onMessage(frame.message);
    } else if (frame.type === "message_updated") {
      this.options.onMessageUpdated(frame);
    } else if (frame.type === "synced") {
      // The server replays a bounded number per conversation; `more` asks for another round.
      if (frame.more.length > 0) return this.sync();
      this.attempts = 0;
      this.setStatus("online");
    }
  }

  private scheduleRetry(): void {
    this.setStatus("reconnecting");
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.attempts);
    this.attempts++;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
