import type { ConversationDto, MessageDto, PersonDto, PresenceDto, ReadReceiptDto, TypingDto } from "@/lib/chat/present";

/**
 * What the chat screen knows about people rather than messages: how far the user has read each
 * conversation (and so what is unread), how far the others have read, who is typing, and who is
 * online. Kept apart from the message store so that a typing frame re-renders only what shows it.
 */

export interface Presence {
  online: boolean;
  last_seen_at: string | null;
}

export interface AwarenessSnapshot {
  /** The user's own read marker per conversation. */
  readSeq: ReadonlyMap<string, number>;
  /** Messages by others after the user's read marker, per conversation. */
  unread: ReadonlyMap<string, number>;
  /** Per conversation, how far each other member has read. */
  readBy: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Per conversation, the ids of the members typing right now. */
  typing: ReadonlyMap<string, readonly string[]>;
  presence: ReadonlyMap<string, Presence>;
}

/** A typing mark lasts this long unless renewed: senders repeat it every 2 s while typing. */
export const TYPING_SHOWN_MS = 5_000;

export class AwarenessStore {
  private readonly readSeq = new Map<string, number>();
  private readonly unread = new Map<string, number>();
  /**
   * The seqs of the messages counted unread as they arrived live, per conversation: a server
   * render started before one of them arrived does not count it, and must not drop it.
   */
  private readonly countedLive = new Map<string, Set<number>>();
  /**
   * The unread messages whose deletion was heard live, per conversation: each message's seq and
   * its deletion event's. A server render that started before the deletion still counts the
   * message, and must not put it back.
   */
  private readonly deletedLive = new Map<string, Map<number, number>>();
  private readonly readBy = new Map<string, Map<string, number>>();
  private readonly typing = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private readonly presence = new Map<string, Presence>();
  private readonly listeners = new Set<() => void>();
  private snapshot: AwarenessSnapshot | null = null;

  constructor(private readonly userId: string) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): AwarenessSnapshot => {
    this.snapshot ??= {
      readSeq: new Map(this.readSeq),
      unread: new Map(this.unread),
      readBy: new Map(this.readBy),
      typing: new Map([...this.typing].map(([id, users]) => [id, [...users.keys()]])),
      presence: new Map(this.presence),
    };
    return this.snapshot;
  };

  private changed(): void {
    this.snapshot = null;
    for (const listener of this.listeners) listener();
  }

  /** The server's read markers and counts are the truth unless this page has already read further. */
  absorbConversations(list: readonly ConversationDto[]): void {
    for (const conversation of list) {
      for (const member of conversation.members) this.learnPerson(member);
      if (conversation.last_read_seq === undefined) continue;
      if (conversation.last_read_seq < (this.readSeq.get(conversation.id) ?? 0)) continue;
      const { last_read_seq: readTo, last_seq: renderedTo } = conversation;
      this.readSeq.set(conversation.id, readTo);
      const since = [...(this.countedLive.get(conversation.id) ?? [])].filter((seq) => seq > renderedTo && seq > readTo);
      this.countedLive.set(conversation.id, new Set(since));
      const deletedSince = [...(this.deletedLive.get(conversation.id) ?? [])].filter(([seq, deletedAt]) => deletedAt > renderedTo && seq > readTo);
      this.deletedLive.set(conversation.id, new Map(deletedSince));
      const countedButDeleted = deletedSince.filter(([seq]) => seq <= renderedTo).length;
      this.unread.set(conversation.id, Math.max(0, (conversation.unread_count ?? 0) + since.length - countedButDeleted));
    }
    this.changed();
  }

  absorbPeople(people: readonly PersonDto[]): void {
    for (const person of people) this.learnPerson(person);
    this.changed();
  }

  /** A person's presence from a listing, unless a live frame already said something newer. */
  private learnPerson(person: PersonDto): void {
    const known = this.presence.get(person.id);
    if (known && (known.last_seen_at ?? "") > (person.last_seen_at ?? "")) return;
    this.presence.set(person.id, { online: person.online, last_seen_at: person.last_seen_at });
  }

  /**
   * A new message delivered live: its sender stopped typing, and it is unread if someone else
   * wrote it after the marker, unless it arrived `seen`, under the reader's eyes.
   */
  receiveMessage(message: MessageDto, seen = false): void {
    let changed = false;
    const typists = this.typing.get(message.conversation_id);
    const timer = typists?.get(message.sender_id);
    if (timer) {
      clearTimeout(timer);
      typists!.delete(message.sender_id);
      changed = true;
    }
    if (!seen && message.sender_id !== this.userId && !message.deleted && message.seq > (this.readSeq.get(message.conversation_id) ?? 0)) {
      this.unread.set(message.conversation_id, (this.unread.get(message.conversation_id) ?? 0) + 1);
      this.countedLive.set(message.conversation_id, (this.countedLive.get(message.conversation_id) ?? new Set()).add(message.seq));
      changed = true;
    }
    if (changed) this.changed();
  }

  /**
   * A message's new state from an edit, deletion or reaction event (at `eventSeq`). A deletion
   * takes the message out of the unread count if it was counted: someone else's, after the
   * marker. Each deletion is one event, heard once, so it is taken out once.
   */
  receiveUpdate(message: MessageDto, eventSeq: number): void {
    if (!message.deleted || message.sender_id === this.userId) return;
    const unread = this.unread.get(message.conversation_id) ?? 0;
    if (unread === 0 || message.seq <= (this.readSeq.get(message.conversation_id) ?? 0)) return;
    this.unread.set(message.conversation_id, unread - 1);
    this.countedLive.get(message.conversation_id)?.delete(message.seq);
    this.deletedLive.set(message.conversation_id, (this.deletedLive.get(message.conversation_id) ?? new Map<number, number>()).set(message.seq, eventSeq));
    this.changed();
  }

  /** The user left the conversation or was removed: nothing of it counts any more. */
  forget(conversationId: string): void {
    this.readSeq.delete(conversationId);
    this.unread.delete(conversationId);
    this.countedLive.delete(conversationId);
    this.deletedLive.delete(conversationId);
    this.readBy.delete(conversationId);
    for (const timer of this.typing.get(conversationId)?.values() ?? []) clearTimeout(timer);
    this.typing.delete(conversationId);
    this.changed();
  }

  /**
   * Someone's read marker moved. The user's own (from this device or another) leaves unread
   * only what `stillUnread` counts: the loaded messages by others after the new marker.
   */
  receiveRead({ conversation_id, user_id, seq }: Omit<ReadReceiptDto, "type">, stillUnread: (seq: number) => number): void {
    if (user_id === this.userId) {
      const unread = this.unread.get(conversation_id) ?? 0;
      const known = this.readSeq.get(conversation_id) ?? 0;
      // The echo of the user's own read, from this page or another tab, usually changes nothing.
      if (seq < known || (seq === known && unread === 0)) return;
      this.readSeq.set(conversation_id, seq);
      this.unread.set(conversation_id, Math.min(unread, stillUnread(seq)));
      const counted = this.countedLive.get(conversation_id);
      for (const unreadSeq of counted ?? []) if (unreadSeq <= seq) counted!.delete(unreadSeq);
      const deleted = this.deletedLive.get(conversation_id);
      for (const deletedSeq of deleted?.keys() ?? []) if (deletedSeq <= seq) deleted!.delete(deletedSeq);
    } else {
      const readers = new Map(this.readBy.get(conversation_id));
      if (seq <= (readers.get(user_id) ?? 0)) return;
      readers.set(user_id, seq);
      this.readBy.set(conversation_id, readers);
    }
    this.changed();
  }

  /** The others' read markers from a server render; a marker only ever moves forwards. */
  absorbReadMarkers(conversationId: string, markers: Readonly<Record<string, number>>): void {
    const readers = new Map(this.readBy.get(conversationId));
    for (const [userId, seq] of Object.entries(markers)) {
      if (userId !== this.userId && seq > (readers.get(userId) ?? 0)) readers.set(userId, seq);
    }
    this.readBy.set(conversationId, readers);
    this.changed();
  }

  receiveTyping({ conversation_id, user_id }: Omit<TypingDto, "type">): void {
    if (user_id === this.userId) return;
    const typists = this.typing.get(conversation_id) ?? new Map<string, ReturnType<typeof setTimeout>>();
    const previous = typists.get(user_id);
    if (previous) clearTimeout(previous);
    typists.set(
      user_id,
      setTimeout(() => {
        typists.delete(user_id);
        this.changed();
      }, TYPING_SHOWN_MS),
    );
    this.typing.set(conversation_id, typists);
    this.changed();
  }

  receivePresence({ user_id, online, last_seen_at }: Omit<PresenceDto, "type">): void {
    this.presence.set(user_id, { online, last_seen_at });
    this.changed();
  }
}

/** The unread total over all conversations: what the tab title and favicon show. */
export function unreadTotal(unread: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const count of unread.values()) total += count;
  return total;
}
