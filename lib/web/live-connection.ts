import type { MessageDto, PresenceDto, ReadReceiptDto, TypingDto } from "@/lib/chat/present";
import { CLOSE_CODES, type ConversationRemovedFrame, type EventFrame, type MessageUpdatedFrame, type SyncedFrame, type SyncRequest } from "@/lib/realtime/wire";
import type { ConnectionStatus, GroupChange } from "@/lib/web/chat-store";

export interface LiveConnectionOptions {
  url: string;
  /**
   * The Server-Sent Events stream (/events) to fall back to when the WebSocket does not open in
   * time: deployments without server.ts (`next start`, serverless) serve no WebSocket.
   */
  eventStreamUrl?: string;
  /** How long a WebSocket may take to open before the connection falls back to the event stream. */
  connectTimeoutMs?: number;
  /** Where catch-up starts, asked afresh on every (re)connection. */
  cursors: () => Record<string, number>;
  onMessage: (message: MessageDto) => void;
  /** An edit, deletion or reaction: the message's whole new state under the event's seq. */
  onMessageUpdated: (frame: MessageUpdatedFrame) => void;
  onChange?: (change: GroupChange) => void;
  onRemoved?: (conversationId: string) => void;
  /** Who read how far, who is typing, who came online: frames that are not events of a stream. */
  onAwareness?: (frame: AwarenessFrame) => void;
  onStatus: (status: ConnectionStatus) => void;
  /**
   * The server closed the socket because its session expired or was revoked (4001). Resolves
   * true once the session was renewed, to reconnect at once; false stops the connection.
   */
  onSessionEnded?: () => Promise<boolean>;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * How long the WebSocket may stay silent before the client pings, and how long the answer may
   * then take: a connection whose server stopped answering (a half-open TCP connection, a frozen
   * host) is otherwise never closed, and the page would show Live over a dead socket.
   */
  quietMs?: number;
  pongTimeoutMs?: number;
}

export type AwarenessFrame = ReadReceiptDto | TypingDto | PresenceDto;

/** What the client sends besides sync: its read marker and that the user is typing. */
export type OutgoingFrame = { type: "read"; conversation_id: string; seq: number } | { type: "typing"; conversation_id: string };

type IncomingFrame = EventFrame | ConversationRemovedFrame | AwarenessFrame | Pick<SyncedFrame, "type" | "more"> | { type: "other" };

function isMessage(value: unknown): value is MessageDto {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  return (
    typeof message.id === "string" &&
    typeof message.message_id === "string" &&
    typeof message.sender_id === "string" &&
    typeof message.conversation_id === "string" &&
    typeof message.content === "string" &&
    Array.isArray(message.attachments) &&
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
  const { type, message, more, seq, conversation_id, conversation, user_id, online, last_seen_at } = frame as Record<string, unknown>;
  if (type === "message" && isMessage(message)) return { type, message };
  if (type === "message_updated" && isMessage(message) && typeof seq === "number" && typeof conversation_id === "string") {
    return { type, seq, conversation_id, message };
  }
  // The server's own frames: only their discriminating fields are checked.
  if (type === "conversation_updated" && typeof conversation_id === "string" && typeof seq === "number" && typeof conversation === "object" && conversation !== null) {
    return frame as EventFrame;
  }
  if (type === "conversation_removed" && typeof conversation_id === "string") return frame as ConversationRemovedFrame;
  if (type === "read" && typeof conversation_id === "string" && typeof user_id === "string" && typeof seq === "number") {
    return { type, conversation_id, user_id, seq };
  }
  if (type === "typing" && typeof conversation_id === "string" && typeof user_id === "string") return { type, conversation_id, user_id };
  if (type === "presence" && typeof user_id === "string" && typeof online === "boolean") {
    return { type, user_id, online, last_seen_at: typeof last_seen_at === "string" ? last_seen_at : null };
  }
  if (type === "synced") return { type, more: Array.isArray(more) ? more.filter((id) => typeof id === "string") : [] };
  return { type: "other" };
}

/** The event stream's address with the cursors to replay from, as the server reads them. */
export function eventStreamAddress(base: string, cursors: Record<string, number>): string {
  const separator = base.includes("?") ? "&" : "?";
  return `${base}${separator}cursors=${encodeURIComponent(JSON.stringify(cursors))}`;
}

/** The /ws address of the page's own server; the browser sends the session cookie with it. */
export function sameOriginSocketUrl(location: Pick<Location, "protocol" | "host">): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}

/**
 * Keeps one live connection to the chat server: a WebSocket, or, when none opens within
 * connectTimeoutMs, the Server-Sent Events stream from then on. Every (re)connection starts
 * from the last seq seen per conversation (a sync frame, or the stream's query), so whatever
 * was missed while disconnected is replayed; a lost connection is retried with exponential
 * back-off and jitter.
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private stream: EventSource | null = null;
  /** Set once the WebSocket failed to open in time: every connection from then on uses it. */
  private eventStreamUrl: string | null = null;
  /** Runs while no socket has opened since the first try of a (re)connection, retries included. */
  private connectDeadline: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private stopped = false;
  private status: ConnectionStatus | null = null;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly connectTimeoutMs: number;
  /** Runs while the open WebSocket is quiet: first until a ping is due, then until its answer is. */
  private silence: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: LiveConnectionOptions) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 15_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.clearConnectDeadline();
    this.clearSilence();
    this.socket?.close(1000, "Leaving");
    this.socket = null;
    this.stream?.close();
    this.stream = null;
  }

  /** Retries at once instead of waiting out the back-off (the browser came back online). */
  retryNow(): void {
    if (this.stopped || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  /**
   * Sends a frame over the open WebSocket; false when there is none (between reconnections, or
   * on the event stream, which only listens), so the caller can use another way or drop it.
   */
  send(frame: OutgoingFrame): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN || this.status !== "online") return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus(status);
  }

  private connect(): void {
    this.setStatus(this.attempts === 0 ? "connecting" : "reconnecting");
    if (this.eventStreamUrl) return this.openEventStream(this.eventStreamUrl);
    // An upgrade nobody answers, or one refused at every retry, would otherwise leave the page
    // "Connecting…" for good.
    this.connectDeadline ??= setTimeout(() => this.onConnectDeadline(), this.connectTimeoutMs);
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.onopen = () => {
      this.clearConnectDeadline();
      this.sync();
      this.heardFrom(socket);
    };
    socket.onmessage = (event: MessageEvent) => {
      this.heardFrom(socket);
      this.receive(event.data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearSilence();
      if (this.stopped) return;
      if (event.code === CLOSE_CODES.sessionEnded && this.options.onSessionEnded) return this.renewSession(this.options.onSessionEnded);
      this.scheduleRetry();
    };
  }

  private renewSession(renew: () => Promise<boolean>): void {
    this.setStatus("reconnecting");
    void renew().then(
      (renewed) => {
        if (this.stopped) return;
        if (renewed) this.connect();
        else this.stop();
      },
      () => this.scheduleRetry(),
    );
  }

  /** The socket spoke: it is alive. Past quietMs of silence it is pinged; past pongTimeoutMs more, it is dropped. */
  private heardFrom(socket: WebSocket): void {
    this.clearSilence();
    this.silence = setTimeout(() => {
      if (this.socket !== socket) return;
      socket.send(JSON.stringify({ type: "ping" }));
      this.silence = setTimeout(() => this.dropSilent(socket), this.options.pongTimeoutMs ?? 10_000);
    }, this.options.quietMs ?? 25_000);
  }

  /** A dead socket's close handshake would never end: it is let go and the connection retried. */
  private dropSilent(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.silence = null;
    this.letGo(socket);
    if (!this.stopped) this.scheduleRetry();
  }

  /** Closes the current socket without waiting to hear its close: what follows is the caller's. */
  private letGo(socket: WebSocket): void {
    this.socket = null;
    socket.onclose = null;
    socket.close();
  }

  private clearSilence(): void {
    if (this.silence) clearTimeout(this.silence);
    this.silence = null;
  }

  private clearConnectDeadline(): void {
    if (this.connectDeadline) clearTimeout(this.connectDeadline);
    this.connectDeadline = null;
  }

  /** No socket opened in time: drop the one still trying, and use the event stream if there is one. */
  private onConnectDeadline(): void {
    this.connectDeadline = null;
    const pending = this.socket;
    if (pending) this.letGo(pending);
    if (!this.options.eventStreamUrl) {
      if (pending) this.scheduleRetry();
      return;
    }
    this.eventStreamUrl = this.options.eventStreamUrl;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private openEventStream(base: string): void {
    const stream = new EventSource(eventStreamAddress(base, this.options.cursors()));
    this.stream = stream;
    stream.onmessage = (event: MessageEvent) => this.receive(event.data);
    // EventSource would reconnect by itself, but from the cursors it was opened with.
    stream.onerror = () => {
      if (this.stream !== stream) return;
      stream.close();
      this.stream = null;
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
    } else if (frame.type === "conversation_updated") {
      this.options.onChange?.(frame);
    } else if (frame.type === "conversation_removed") {
      this.options.onRemoved?.(frame.conversation_id);
    } else if (frame.type === "read" || frame.type === "typing" || frame.type === "presence") {
      this.options.onAwareness?.(frame);
    } else if (frame.type === "synced") {
      // The server replays a bounded number per conversation; `more` asks for another round
      // (the event stream starts the next round itself).
      if (frame.more.length > 0) {
        if (this.socket) this.sync();
        return;
      }
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
