import type { HistoryPage } from "@/lib/chat/history";
import type { AttachmentDto, ConversationDto, GroupChangeDto, MessageDto, PersonDto } from "@/lib/chat/present";
import type { MessageUpdatedFrame } from "@/lib/realtime/wire";

export type ConnectionStatus = "connecting" | "online" | "reconnecting";

/** A message the user sent that the server has not confirmed yet. */
export interface PendingMessage {
  message_id: string;
  conversation_id: string;
  content: string;
  attachments: AttachmentDto[];
  created_at: string;
  /** The message it answers, if it is a reply. */
  reply_to: string | null;
  failed: boolean;
}

/** A rename or membership change, shown as a system line in the timeline at its seq. */
export type GroupChange = GroupChangeDto;

export interface ChatSnapshot {
  /** Most recently active first. */
  conversations: ConversationDto[];
  /** Per conversation, the stored messages known here, in seq order, each once. */
  messages: Readonly<Record<string, readonly MessageDto[]>>;
  /** Per conversation, the group changes heard here, in seq order, each once. */
  changes: Readonly<Record<string, readonly GroupChange[]>>;
  pending: readonly PendingMessage[];
  status: ConnectionStatus;
  /** Conversations with a message mentioning the user that they have not looked at yet. */
  mentioned: ReadonlySet<string>;
  /** Conversations whose loaded history reaches their first event: nothing older to load. */
  complete: ReadonlySet<string>;
  /** Messages older than the loaded history, by id, loaded for the replies that quote them. */
  originals: ReadonlyMap<string, MessageDto>;
}

const NO_MESSAGES: readonly MessageDto[] = [];

function activity(conversation: ConversationDto): string {
  return conversation.last_message?.created_at ?? conversation.created_at;
}

function newer(a: MessageDto | null | undefined, b: MessageDto | null | undefined): MessageDto | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return b.seq > a.seq ? b : a;
}

/**
 * Everything the chat screen shows, merged from the server render, server action answers and
 * WebSocket frames. Messages are keyed by their server id, so one that arrives several ways
 * (optimistic send, action answer, broadcast, catch-up replay) is shown once.
 */
export class ChatStore {
  private readonly conversations = new Map<string, ConversationDto>();
  private readonly messages = new Map<string, MessageDto[]>();
  private readonly changes = new Map<string, GroupChange[]>();
  private readonly pending = new Map<string, PendingMessage>();
  private status: ConnectionStatus = "connecting";
  /** Conversations with an unseen mention of the user, each with the seq of the event that marked it. */
  private readonly mentioned = new Map<string, number>();
  private readonly complete = new Set<string>();
  private readonly originals = new Map<string, MessageDto>();
  /** Messages whose mention of the user was already noticed here: each is noticed once. */
  private readonly noticed = new Set<string>();
  /** When this tab started: an edit after it, of a message not loaded here, is news to the user. */
  private readonly startedAt = new Date().toISOString();
  private readonly listeners = new Set<() => void>();
  private snapshot: ChatSnapshot | null = null;

  constructor(private readonly userId: string) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ChatSnapshot => {
    this.snapshot ??= {
      conversations: [...this.conversations.values()].sort((a, b) => activity(b).localeCompare(activity(a))),
      messages: Object.fromEntries(this.messages),
      changes: Object.fromEntries(this.changes),
      pending: [...this.pending.values()],
      status: this.status,
      mentioned: new Set(this.mentioned.keys()),
      complete: new Set(this.complete),
      originals: new Map(this.originals),
    };
    return this.snapshot;
  };

  private changed(): void {
    this.snapshot = null;
    for (const listener of this.listeners) listener();
  }

  hasConversation(id: string): boolean {
    return this.conversations.has(id);
  }

  messagesOf(conversationId: string): readonly MessageDto[] {
    return this.messages.get(conversationId) ?? NO_MESSAGES;
  }

  absorbConversations(list: readonly ConversationDto[]): void {
    for (const incoming of list) {
      const known = this.conversations.get(incoming.id);
      const stored = this.messages.get(incoming.id);
      const last = newer(newer(known?.last_message, incoming.last_message), stored?.at(-1));
      this.conversations.set(incoming.id, {
        ...incoming,
        last_message: last,
        last_seq: Math.max(incoming.last_seq, known?.last_seq ?? 0, last?.seq ?? 0),
      });
      // The server's count of unread mentions (of what it had up to last_seq) marks the
      // conversation, or clears a mark made here before it: read on another device, say.
      const marked = this.mentioned.get(incoming.id);
      if ((incoming.unread_mentions ?? 0) > 0) this.mentioned.set(incoming.id, Math.max(marked ?? 0, incoming.last_seq));
      else if (incoming.unread_mentions === 0 && marked !== undefined && marked <= incoming.last_seq) this.mentioned.delete(incoming.id);
    }
    this.changed();
  }

  /** Adds stored messages of one conversation, whichever way they arrived. */
  absorbMessages(conversationId: string, list: readonly MessageDto[]): void {
    if (list.length === 0) return;
    const known = this.messages.get(conversationId) ?? [];
    for (const message of list) if (message.sender_id === this.userId) this.pending.delete(message.message_id);
    // Live messages arrive newest last, each after what is held: appended without re-sorting the history.
    const inOrder = list.every((message, index) => message.seq > (index === 0 ? (known.at(-1)?.seq ?? 0) : list[index - 1]!.seq));
    const merged = inOrder ? [...known, ...list] : mergeBySeq(known, list);
    this.messages.set(conversationId, merged);
    const conversation = this.conversations.get(conversationId);
    if (conversation) {
      const last = newer(conversation.last_message, merged.at(-1));
      this.conversations.set(conversationId, {
        ...conversation,
        last_message: last,
        last_seq: Math.max(conversation.last_seq, last?.seq ?? 0),
      });
    }
    this.changed();
  }

  /** A page of stored history: its messages, and its group changes as lines of the timeline. */
  absorbHistory(conversationId: string, page: HistoryPage): void {
    for (const change of page.changes) this.recordChange(change);
    if (page.reaches_start) this.complete.add(conversationId);
    this.absorbMessages(conversationId, page.messages);
    this.changed();
  }

  private recordChange(change: GroupChange): void {
    const list = (this.changes.get(change.conversation_id) ?? []).filter((known) => known.seq !== change.seq);
    this.changes.set(change.conversation_id, [...list, change].sort((a, b) => a.seq - b.seq));
  }

  /** A message a loaded reply quotes, from outside the loaded history. */
  absorbOriginal(message: MessageDto): void {
    this.originals.set(message.id, message);
    this.changed();
  }

  /** A message from the WebSocket; false when its conversation is not known here yet. */
  receive(message: MessageDto): boolean {
    this.absorbMessages(message.conversation_id, [message]);
    return this.conversations.has(message.conversation_id);
  }

  /**
   * A group change from the WebSocket: the conversation takes its new title and members
   * (keeping the presence known of those it already had); false when it is not known here yet.
   */
  applyChange(change: GroupChange): boolean {
    this.recordChange(change);
    const conversation = this.conversations.get(change.conversation_id);
    if (conversation && change.seq > conversation.last_seq) {
      const known = new Map(conversation.members.map((member) => [member.id, member]));
      const members: PersonDto[] = change.conversation.members.map((member) => known.get(member.id) ?? { ...member, online: false, last_seen_at: null });
      this.conversations.set(change.conversation_id, {
        ...conversation,
        title: change.conversation.title,
        members,
        member_ids: change.conversation.member_ids,
        last_seq: change.seq,
      });
    }
    this.changed();
    return conversation !== undefined;
  }

  /**
   * A message's new state from an edit, deletion or reaction event, applied by id: a message not
   * loaded here (older than the pages shown) is left for when its page is loaded, which brings
   * its current state, unless a reply quotes it. The event's seq still moves the conversation's
   * cursor.
   */
  receiveUpdate({ seq, conversation_id, message }: MessageUpdatedFrame): boolean {
    const list = this.messages.get(conversation_id);
    const index = list?.findIndex((known) => known.id === message.id) ?? -1;
    if (list && index >= 0) this.messages.set(conversation_id, list.with(index, message));
    if (this.originals.has(message.id)) this.originals.set(message.id, message);
    const conversation = this.conversations.get(conversation_id);
    if (conversation) {
      this.conversations.set(conversation_id, {
        ...conversation,
        last_message: conversation.last_message?.id === message.id ? message : conversation.last_message,
        last_seq: Math.max(conversation.last_seq, seq),
      });
    }
    this.changed();
    return conversation !== undefined;
  }

  /** The user was removed from the conversation (or left it): it is forgotten here. */
  forget(conversationId: string): void {
    this.conversations.delete(conversationId);
    this.messages.delete(conversationId);
    this.changes.delete(conversationId);
    this.mentioned.delete(conversationId);
    this.complete.delete(conversationId);
    for (const [id, message] of this.originals) if (message.conversation_id === conversationId) this.originals.delete(id);
    for (const [key, message] of this.pending) if (message.conversation_id === conversationId) this.pending.delete(key);
    this.changed();
  }

  /** Someone came online or went offline: their presence in every conversation's members. */
  applyPresence(userId: string, online: boolean, lastSeenAt: string | null): void {
    for (const [id, conversation] of this.conversations) {
      if (!conversation.member_ids.includes(userId)) continue;
      const members = conversation.members.map((member) => (member.id === userId ? { ...member, online, last_seen_at: lastSeenAt } : member));
      this.conversations.set(id, { ...conversation, members });
    }
    this.changed();
  }

  /** The state of a message as loaded here, before an update to it is absorbed; undefined if not loaded. */
  private loaded(message: MessageDto): MessageDto | undefined {
    return this.messages.get(message.conversation_id)?.find((other) => other.id === message.id);
  }

  /**
   * Whether a message arriving (`created`: a new one, else an edit, deletion or reaction) should
   * notify the user of a mention, as the one that names them for the first time: someone else's,
   * not deleted, and not naming them before as far as this tab knows. Call it before the
   * message is absorbed; it answers true once per message.
   */
  mentionsAnew(message: MessageDto, created: boolean): boolean {
    if (message.sender_id === this.userId || message.deleted || !message.mentions.includes(this.userId) || this.noticed.has(message.id)) return false;
    const known = this.loaded(message);
    const anew = known
      ? !known.mentions.includes(this.userId)
      : created || (message.edited_at !== null && message.edited_at > this.startedAt);
    if (anew) this.noticed.add(message.id);
    return anew;
  }

  /**
   * Whether a message's new state takes back a mention of the user that marks its conversation:
   * someone else's message, deleted or edited to no longer name them. Call it before the update
   * is absorbed.
   */
  unmentions(message: MessageDto): boolean {
    if (message.sender_id === this.userId || !this.mentioned.has(message.conversation_id)) return false;
    if (!message.deleted && message.mentions.includes(this.userId)) return false;
    const known = this.loaded(message);
    // Not loaded here: deleted or edited, it may have been the one that named the user.
    if (known === undefined) return message.deleted || message.edited_at !== null;
    return !known.deleted && known.mentions.includes(this.userId);
  }

  /** A mention of the user arrived with the event `seq` (a new message, or an edit that names them). */
  markMentioned(conversationId: string, seq: number): void {
    const marked = this.mentioned.get(conversationId);
    if (marked !== undefined && marked >= seq) return;
    this.mentioned.set(conversationId, seq);
    this.changed();
  }

  clearMentioned(conversationId: string): void {
    if (this.mentioned.delete(conversationId)) this.changed();
  }

  addPending(message: Omit<PendingMessage, "failed">): void {
    this.pending.set(message.message_id, { ...message, failed: false });
    this.changed();
  }

  markPending(messageId: string, failed: boolean): void {
    const message = this.pending.get(messageId);
    if (!message) return;
    this.pending.set(messageId, { ...message, failed });
    this.changed();
  }

  setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.changed();
  }

  /** The last seq seen per conversation: where a catch-up after a reconnect starts. */
  cursors(): Record<string, number> {
    const cursors: Record<string, number> = {};
    for (const [id, conversation] of this.conversations) cursors[id] = conversation.last_seq;
    for (const [id, list] of this.messages) cursors[id] = Math.max(cursors[id] ?? 0, list.at(-1)?.seq ?? 0);
    for (const [id, list] of this.changes) if (this.conversations.has(id)) cursors[id] = Math.max(cursors[id] ?? 0, list.at(-1)?.seq ?? 0);
    return cursors;
  }
}

/** Both lists as one, oldest first, a message in both taken from the incoming list. */
function mergeBySeq(known: readonly MessageDto[], incoming: readonly MessageDto[]): MessageDto[] {
  const byId = new Map(known.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}
