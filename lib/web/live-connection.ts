import type { MessageDto, PresenceDto } from "@/lib/chat/present";
import type { ConversationRemovedFrame, ConversationUpdatedFrame, MessageFrame, SyncedFrame, SyncRequest } from "@/lib/realtime/wire";
import type { ConnectionStatus, GroupChange } from "@/lib/web/chat-store";

export interface LiveConnectionOptions {
  url: string;
  /** Where catch-up starts, asked afresh on every (re)connection. */
  cursors: () => Record<string, number>;
  onMessage: (message: MessageDto) => void;
  onChange: (change: GroupChange) => void;
  onRemoved: (conversationId: string) => void;
  onPresence: (presence: PresenceDto) => void;
  onStatus: (status: ConnectionStatus) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

type IncomingFrame =
  | MessageFrame
  | ConversationUpdatedFrame
  | ConversationRemovedFrame
  | PresenceDto
  | Pick<SyncedFrame, "type" | "more">
  | { type: "other" };

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
    typeof message.seq === "number"
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
  const { type, message, more, conversation_id, seq, conversation, user_id } = frame as Record<string, unknown>;
  if (type === "message" && isMessage(message)) return { type, message };
  // The server's own frames: only their discriminating fields are checked.
  if (type === "conversation_updated" && typeof conversation_id === "string" && typeof seq === "number" && typeof conversation === "object" && conversation !== null) {
    return frame as ConversationUpdatedFrame;
  }
  if (type === "conversation_removed" && typeof conversation_id === "string") return frame as ConversationRemovedFrame;
  if (type === "presence" && typeof user_id === "string") return frame as PresenceDto;
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
    } else if (frame.type === "conversation_updated") {
      this.options.onChange(frame);
    } else if (frame.type === "conversation_removed") {
      this.options.onRemoved(frame.conversation_id);
    } else if (frame.type === "presence") {
      this.options.onPresence(frame);
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
