"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { getSession, signOut } from "next-auth/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";

import {
  addGroupMembers,
  deleteMessageAction,
  editMessageAction,
  loadConversation,
  loadOlderMessages,
  loadQuotedMessage,
  markReadAction,
  openDirectConversation,
  postMessage,
  reactAction,
  removeGroupMember,
  renameGroupConversation,
  typingAction,
} from "@/app/chat/actions";
import type { HistoryPage } from "@/lib/chat/history";
import type { AttachmentDto, ConversationDto, MessageDto, PersonDto, UserDto } from "@/lib/chat/present";
import { DEFAULT_PAGE_SIZE } from "@/lib/chat/limits";
import { reachable, SESSION_ENDED, UNREACHABLE_ERROR, type ActionResult } from "@/lib/web/action-result";
import { chime, notify } from "@/lib/web/alerts";
import { AwarenessStore, unreadTotal } from "@/lib/web/awareness-store";
import { ChatStore, type PendingMessage } from "@/lib/web/chat-store";
import { conversationLabel, displayName, newMessageId } from "@/lib/web/display";
import { discardDrafts, keepDraftsOf } from "@/lib/web/drafts";
import { LiveConnection, sameOriginSocketUrl, type AwarenessFrame } from "@/lib/web/live-connection";
import { readSender } from "@/lib/web/read-sender";
import { typingSender } from "@/lib/web/typing-sender";
import { titleWithUnread, useUnreadBadge } from "@/lib/web/unread-badge";
import { useBrowserOnline } from "@/lib/web/use-online";
import { useSendRetry } from "@/lib/web/use-send-retry";
import { useShortcuts } from "@/lib/web/use-shortcuts";
import { useStableHandlers } from "@/lib/web/use-stable-handlers";

import { Composer, type ReplyTarget } from "./Composer";
import { ConnectionBadge } from "./ConnectionBadge";
import { GroupInfo } from "./GroupInfo";
import type { MessageHandlers } from "./MessageItem";
import { MessageList } from "./MessageList";
import { NotificationToggle } from "./NotificationToggle";
import { PresenceDot, PresenceText } from "./PresenceDot";
import { SearchBox } from "./SearchBox";
import { FILTER_INPUT_ID, Sidebar } from "./Sidebar";
import { SoundToggle } from "./SoundToggle";
import { TypingIndicator } from "./TypingIndicator";

export interface OpenConversation {
  conversation: ConversationDto;
  /** The most recent page of its history, oldest first. */
  history: HistoryPage;
  /** How far each other member has read, by user id. */
  readBy?: Record<string, number>;
}

export interface ChatAppProps {
  me: UserDto;
  conversations: ConversationDto[];
  users: PersonDto[];
  open: OpenConversation | null;
  /** Shown instead of a conversation, e.g. when the address named one that is not the user's. */
  notice?: string;
}

/** A message to show: its conversation is opened, and older pages loaded until it is there. */
interface Focus {
  conversationId: string;
  messageId: string;
}

/** How many older pages a jump loads at most before giving up on finding its message. */
const MAX_JUMP_PAGES = 40;

/**
 * `seen`: the open conversation is in front of the user, so the mentions the server still counts
 * as unread in it (their read marker may not have reached it yet) mark nothing.
 */
function absorbServerRender(store: ChatStore, { conversations, open }: ChatAppProps, seen: boolean): ChatStore {
  store.absorbConversations(conversations);
  if (!open) return store;
  store.absorbHistory(open.conversation.id, open.history);
  if (seen) store.clearMentioned(open.conversation.id);
  return store;
}

function absorbAwareness(awareness: AwarenessStore, { conversations, users, open }: ChatAppProps): AwarenessStore {
  awareness.absorbConversations(conversations);
  awareness.absorbPeople(users);
  if (open?.readBy) awareness.absorbReadMarkers(open.conversation.id, open.readBy);
  return awareness;
}

/**
 * The chat screen. The server render supplies the conversation list and the open
 * conversation's recent history; from then on a WebSocket keeps both current.
 */
const CHAT_TITLE = "Chat · Pneumatic Chat";

export function ChatApp(props: ChatAppProps) {
  const { me, users, open, notice } = props;
  const router = useRouter();
  // Opening the page opens the conversation: seen, also in a tab opened in the background,
  // so that the server render and hydration agree.
  const [store] = useState(() => absorbServerRender(new ChatStore(me.id), props, true));
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const [awareness] = useState(() => absorbAwareness(new AwarenessStore(me.id), props));
  const aware = useSyncExternalStore(awareness.subscribe, awareness.getSnapshot, awareness.getSnapshot);
  const connection = useRef<LiveConnection | null>(null);
  const browserOnline = useBrowserOnline();
  // The socket may not have noticed yet that the network is gone; the browser has.
  const status = browserOnline ? snapshot.status : "offline";
  const unread = unreadTotal(aware.unread);
  useUnreadBadge(unread);
  const [error, setError] = useState<string | null>(null);
  const [infoOpen, setInfoOpen] = useState(false);
  // A reply being written belongs to its conversation; opening another one leaves it behind.
  const [reply, setReply] = useState<{ conversationId: string; target: ReplyTarget } | null>(null);
  const [focus, setFocus] = useState<Focus | null>(null);
  const jumpPages = useRef(0);
  const fetching = useRef(new Set<string>());
  const openId = open?.conversation.id ?? null;
  const openIdRef = useRef(openId);
  /** The open conversation's newest message is on screen in a visible tab. */
  const reading = useRef(false);
  const replyingTo = reply && reply.conversationId === openId ? reply.target : null;

  useLayoutEffect(() => keepDraftsOf(me.id), [me.id]);

  useEffect(() => {
    openIdRef.current = openId;
    if (!openId) return;
    store.clearMentioned(openId);
    const seen = () => {
      if (!document.hidden) store.clearMentioned(openId);
    };
    document.addEventListener("visibilitychange", seen);
    return () => document.removeEventListener("visibilitychange", seen);
  }, [openId, store]);

  // Each navigation re-renders on the server; what it brings is merged, never replacing live state.
  useLayoutEffect(() => {
    absorbServerRender(store, props, !document.hidden);
    absorbAwareness(awareness, props);
  }, [store, awareness, props]);

  const learnConversation = useCallback(
    async (conversationId: string) => {
      if (fetching.current.has(conversationId)) return;
      fetching.current.add(conversationId);
      const result = await reachable(loadConversation({ conversation_id: conversationId }));
      fetching.current.delete(conversationId);
      if (!result.ok) return;
      store.absorbConversations([result.data]);
      // The sidebar's summary of it (last message, unread count) comes with the page's render.
      router.refresh();
    },
    [store, router],
  );

  useEffect(() => {
    const live = new LiveConnection({
      url: sameOriginSocketUrl(window.location),
      eventStreamUrl: "/events",
      cursors: () => store.cursors(),
      onStatus: (status) => {
        store.setStatus(status);
        if (status !== "online") return;
        // What failed while the server was out of reach is stale once it answers again.
        setError((shown) => (shown === UNREACHABLE_ERROR ? null : shown));
        // Presence and read markers are signals, never replayed: what changed between the
        // server render (or the last connection) and this one is rendered again and merged.
        router.refresh();
      },
      onMessage: (message) => {
        const mentioned = store.mentionsAnew(message, true);
        if (!store.receive(message)) void learnConversation(message.conversation_id);
        // A message arriving under the reader's eyes is read as it lands, never counted as unread.
        const seen = reading.current && !document.hidden && message.conversation_id === openIdRef.current;
        awareness.receiveMessage(message, seen);
        if (seen) markRead(message.conversation_id, message.seq);
        if (message.sender_id !== me.id) alertAbout(message, mentioned, message.seq);
      },
      onAwareness: receiveAwareness,
      // An edit that adds a mention of the user notifies them as a new message naming them does.
      onMessageUpdated: (frame) => {
        const mentioned = store.mentionsAnew(frame.message, false);
        const unmarked = store.unmentions(frame.message);
        if (!store.receiveUpdate(frame)) void learnConversation(frame.conversation_id);
        awareness.receiveUpdate(frame.message, frame.seq);
        if (mentioned) alertAbout(frame.message, true, frame.seq);
        // Whether another unread message still names the user, only the server knows: its
        // render counts them again, and clears the mark if none is left.
        else if (unmarked) router.refresh();
      },
      // An addition of this user is how a conversation appears live: it is loaded then.
      onChange: (change) => {
        if (!store.applyChange(change)) void learnConversation(change.conversation_id);
      },
      onRemoved: (conversationId) => {
        store.forget(conversationId);
        awareness.forget(conversationId);
        if (openIdRef.current === conversationId) router.push("/chat");
      },
      // Asking for the session renews the cookie if it still stands; a revoked one sends the
      // user to log in, and the draft waits for them in session storage.
      onSessionEnded: renewSession,
    });
    connection.current = live;
    const retry = () => live.retryNow();
    window.addEventListener("online", retry);
    live.start();
    return () => {
      window.removeEventListener("online", retry);
      live.stop();
      connection.current = null;
    };
    // alertAbout and receiveAwareness read only refs and the stores, so the connection need not restart for them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, awareness, learnConversation, router]);

  /**
   * Asking for the session renews the cookie if it still stands; a revoked one sends the user to
   * log in, and drafts wait for them in session storage.
   */
  async function renewSession(): Promise<boolean> {
    if (await getSession()) return true;
    router.replace("/");
    return false;
  }

  const readMarks = useMemo(
    () =>
      readSender((conversationId, seq) => {
        if (!connection.current?.send({ type: "read", conversation_id: conversationId, seq })) {
          void reachable(markReadAction({ conversation_id: conversationId, seq }));
        }
      }),
    [],
  );
  // A marker held back is sent before the page can be frozen or closed.
  useEffect(() => {
    const hidden = () => {
      if (document.visibilityState === "hidden") readMarks.flush();
    };
    const leaving = () => readMarks.flush();
    document.addEventListener("visibilitychange", hidden);
    window.addEventListener("pagehide", leaving);
    return () => {
      document.removeEventListener("visibilitychange", hidden);
      window.removeEventListener("pagehide", leaving);
      readMarks.flush();
    };
  }, [readMarks]);

  /** Everything up to seq was on screen: the marker moves here at once, and soon on the server. */
  function markRead(conversationId: string, seq: number) {
    if (seq <= (awareness.getSnapshot().readSeq.get(conversationId) ?? 0)) return;
    awareness.receiveRead({ conversation_id: conversationId, user_id: me.id, seq }, () => 0);
    store.clearMentioned(conversationId);
    readMarks.mark(conversationId, seq);
  }

  function receiveAwareness(frame: AwarenessFrame) {
    if (frame.type === "read") {
      const stillUnread = (seq: number) =>
        store.messagesOf(frame.conversation_id).filter((message) => message.sender_id !== me.id && !message.deleted && message.seq > seq).length;
      awareness.receiveRead(frame, stillUnread);
      if (frame.user_id === me.id) store.clearMentioned(frame.conversation_id);
    } else if (frame.type === "typing") {
      awareness.receiveTyping(frame);
    } else {
      awareness.receivePresence(frame);
      store.applyPresence(frame.user_id, frame.online, frame.last_seen_at);
    }
  }

  /**
   * A message someone else wrote (or an edit that newly names the user), unless it is being
   * read: a mention is marked on its conversation (as of the event's seq, so that a later
   * server render can tell whether it counted it), a chime sounds, and a notification appears
   * while the tab is hidden.
   */
  function alertAbout(message: MessageDto, mentioned: boolean, seq: number) {
    if (!document.hidden && message.conversation_id === openIdRef.current) return;
    if (mentioned) store.markMentioned(message.conversation_id, seq);
    chime();
    if (!document.hidden) return;
    const conversation = store.getSnapshot().conversations.find((item) => item.id === message.conversation_id);
    const sender = conversation?.members.find((member) => member.id === message.sender_id);
    const who = sender ? displayName(sender) : "Someone";
    const where = conversation?.is_group ? ` in ${conversationLabel(conversation, me.id).name}` : "";
    notify(mentioned ? `${who} mentioned you${where}` : `${who}${where}`, message.content, message.id, () => jumpTo(message));
  }

  /** An action refused for want of a session renews it if it can, else sends the user to log in; other refusals are shown. */
  function report(result: ActionResult<unknown>) {
    if (result.ok) return;
    if (result.error === SESSION_ENDED) return void renewSession();
    setError(result.error);
  }

  function show(conversation: ConversationDto) {
    store.absorbConversations([conversation]);
    router.push(`/chat?c=${conversation.id}`);
  }

  async function openUser(user: UserDto) {
    setError(null);
    const result = await reachable(openDirectConversation({ user_id: user.id }));
    if (result.ok) show(result.data);
    else report(result);
  }

  async function deliver(message: Omit<PendingMessage, "failed">) {
    const result = await reachable(
      postMessage({
        message_id: message.message_id,
        conversation_id: message.conversation_id,
        content: message.content,
        attachment_ids: message.attachments.map((attachment) => attachment.id),
        reply_to: message.reply_to,
      }),
    );
    if (result.ok) {
      setError((shown) => (shown === UNREACHABLE_ERROR ? null : shown));
      return store.absorbMessages(message.conversation_id, [result.data]);
    }
    store.markPending(message.message_id, true);
    report(result);
  }

  function send(conversationId: string, content: string, attachments: AttachmentDto[]) {
    const message = {
      message_id: newMessageId(),
      conversation_id: conversationId,
      content,
      attachments,
      created_at: new Date().toISOString(),
      reply_to: replyingTo?.id ?? null,
    };
    setReply(null);
    store.addPending(message);
    void deliver(message);
  }

  /** Opens the message's conversation (if it is not open) and shows the message there. */
  function jumpTo({ conversation_id, id }: Pick<MessageDto, "conversation_id" | "id">) {
    jumpPages.current = 0;
    setFocus({ conversationId: conversation_id, messageId: id });
    if (conversation_id !== openIdRef.current) router.push(`/chat?c=${conversation_id}`);
  }

  const handlers: MessageHandlers = {
    onReply: (message) => {
      const sender = message.sender_id === me.id ? "You" : displayName(open?.conversation.members.find((member) => member.id === message.sender_id) ?? { username: "Former member", full_name: null });
      setReply({ conversationId: message.conversation_id, target: { id: message.id, sender, content: message.content } });
    },
    onReact: (message, emoji, on) => {
      void reachable(reactAction({ id: message.id, emoji, on })).then(report);
    },
    onEdit: async (message, content) => {
      const result = await reachable(editMessageAction({ id: message.id, content }));
      report(result);
      return result.ok;
    },
    onDelete: (message) => {
      void reachable(deleteMessageAction({ id: message.id })).then(report);
    },
    onJump: (id) => {
      if (openId) jumpTo({ conversation_id: openId, id });
    },
  };

  // A jump to a message older than the loaded pages loads older pages until it is there.
  const focusMissing = focus !== null && focus.conversationId === openId && !(snapshot.messages[openId] ?? []).some((message) => message.id === focus.messageId);
  const oldestLoaded = openId ? snapshot.messages[openId]?.[0]?.seq : undefined;
  const hasOlder = openId !== null && !snapshot.complete.has(openId);
  useEffect(() => {
    if (!focusMissing || !openId || !hasOlder || jumpPages.current >= MAX_JUMP_PAGES) return;
    jumpPages.current++;
    void loadOlder(openId);
    // loadOlder is re-created each render; the page to load is decided by the oldest seq loaded.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusMissing, openId, oldestLoaded, hasOlder]);

  // A reply quotes its original, older than the loaded pages or not: those missing are loaded
  // one by one, each once (again after a failure in transit, as the history changes).
  const openMessages = openId ? snapshot.messages[openId] : undefined;
  const askedOriginals = useRef(new Set<string>());
  useEffect(() => {
    if (!openMessages) return;
    const loaded = new Set(openMessages.map((message) => message.id));
    for (const { reply_to: id } of openMessages) {
      if (!id || loaded.has(id) || askedOriginals.current.has(id)) continue;
      askedOriginals.current.add(id);
      void reachable(loadQuotedMessage({ id })).then((result) => {
        if (result.ok) store.absorbOriginal(result.data);
        else if (result.error === UNREACHABLE_ERROR) askedOriginals.current.delete(id);
      });
    }
  }, [openMessages, store]);

  function retry(message: PendingMessage) {
    store.markPending(message.message_id, false);
    void deliver(message);
  }

  const failed = useMemo(() => snapshot.pending.filter((message) => message.failed), [snapshot.pending]);
  useSendRetry(failed, status === "online", retry);

  const onSeen = useCallback((seq: number) => {
    if (openIdRef.current) markRead(openIdRef.current, seq);
    // markRead uses only the stores and refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const onReading = useCallback((now: boolean) => {
    reading.current = now;
  }, []);

  const sendTyping = useMemo(
    () =>
      typingSender((conversationId) => {
        if (!connection.current?.send({ type: "typing", conversation_id: conversationId })) void reachable(typingAction({ conversation_id: conversationId }));
      }),
    [],
  );

  useShortcuts({
    onFilter: () => {
      const filter = document.getElementById(FILTER_INPUT_ID);
      // On a phone the list is hidden while a conversation is open: go back to it first.
      if (filter && filter.offsetParent === null) router.push("/chat");
      filter?.focus();
    },
    onMove: (step) => {
      const list = snapshot.conversations;
      const index = list.findIndex((item) => item.id === openId);
      const next = list[index < 0 ? (step > 0 ? 0 : list.length - 1) : index + step];
      if (next) router.push(`/chat?c=${next.id}`);
    },
    onEscape: () => {
      if (document.activeElement === document.body || document.activeElement === null) document.getElementById("composer")?.focus();
    },
  });

  async function loadOlder(conversationId: string) {
    const first = store.messagesOf(conversationId)[0];
    if (!first) return;
    const result = await reachable(
      loadOlderMessages({ conversation_id: conversationId, before: first.seq, limit: DEFAULT_PAGE_SIZE }),
    );
    if (result.ok) store.absorbHistory(conversationId, result.data);
    else report(result);
  }

  /** Runs a group info panel action; the group it answers replaces the one shown. */
  async function changeGroup(action: Promise<ActionResult<ConversationDto | null>>, conversationId: string): Promise<boolean> {
    setError(null);
    const result = await reachable(action);
    if (!result.ok) {
      report(result);
      return false;
    }
    if (result.data) {
      store.absorbConversations([result.data]);
    } else {
      store.forget(conversationId);
      awareness.forget(conversationId);
      setInfoOpen(false);
      router.push("/chat");
    }
    return true;
  }

  async function logout() {
    discardDrafts();
    await signOut({ redirect: false });
    router.replace("/");
    router.refresh();
  }

  const conversation = openId ? (snapshot.conversations.find((item) => item.id === openId) ?? open!.conversation) : null;
  const members = conversation?.members;
  const others = useMemo(() => (members ?? []).filter((member) => member.id !== me.id), [members, me.id]);
  // The same callbacks on every render, so the sidebar's rows and the composer, memoized, are
  // not re-rendered by each message that arrives.
  const stable = useStableHandlers({
    openUser: (user: UserDto) => void openUser(user),
    groupCreated: show,
    logout: () => void logout(),
    jumpTo,
    cancelReply: () => setReply(null),
    send: (content: string, attachments: AttachmentDto[]) => {
      if (openId) send(openId, content, attachments);
    },
    typing: () => {
      if (openId) sendTyping(openId);
    },
  });
  const messages = openId ? (snapshot.messages[openId] ?? []) : [];
  const label = conversation ? conversationLabel(conversation, me.id) : null;
  const other = conversation && !conversation.is_group ? conversation.members.find((member) => member.id !== me.id) : undefined;
  const typingNames = (openId ? (aware.typing.get(openId) ?? []) : []).map((id) => {
    const member = conversation?.members.find((item) => item.id === id);
    return member ? displayName(member) : "Someone";
  });

  return (
    <div className="mx-auto flex h-dvh max-w-[112rem] overflow-hidden bg-white shadow-xl">
      {/* Rendered here, not as the page's metadata: Next drops metadata from the head while a
          refresh renders it again, and the tab would have no title in between. */}
      <title>{titleWithUnread(CHAT_TITLE, unread)}</title>
      <aside
        aria-label="Chats"
        className={`${conversation ? "hidden md:flex" : "flex"} w-full flex-col border-r border-slate-200 bg-slate-50 md:w-80 md:shrink-0 xl:w-96`}
      >
        <Sidebar
          me={me}
          conversations={snapshot.conversations}
          users={users}
          openId={openId}
          status={status}
          onOpenUser={stable.openUser}
          onGroupCreated={stable.groupCreated}
          onLogout={stable.logout}
          mentioned={snapshot.mentioned}
          unread={aware.unread}
          presence={aware.presence}
        >
          <SearchBox me={me} conversations={snapshot.conversations} onOpen={stable.jumpTo} />
          <NotificationToggle />
          <SoundToggle />
        </Sidebar>
      </aside>

      {/* On a phone's list the pane is out of sight, but stays the page's main landmark and heading. */}
      <main className={`${conversation ? "flex" : "sr-only md:not-sr-only md:flex"} relative min-w-0 flex-1 flex-col`}>
        {error ? (
          <div role="alert" className="flex items-center justify-between gap-2 bg-red-50 px-4 py-2 text-sm text-red-700">
            <span>{error}</span>
            <button type="button" onClick={() => setError(null)} className="font-medium underline">
              Dismiss
            </button>
          </div>
        ) : null}
        {conversation && label ? (
          <>
            <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-3 py-3 sm:px-5">
              <Link
                href="/chat"
                className="rounded-lg px-2 py-1 text-lg text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600 md:hidden"
                aria-label="Back to conversations"
              >
                ←
              </Link>
              <div className="min-w-0 flex-1">
                <h1 className="flex items-center gap-2 truncate text-base font-semibold text-slate-900" data-testid="conversation-title">
                  {label.name}
                  {other ? <PresenceDot presence={aware.presence.get(other.id)} /> : null}
                  {other ? <PresenceText presence={aware.presence.get(other.id)} /> : null}
                </h1>
                <p className="truncate text-xs text-slate-600">
                  {conversation.is_group
                    ? `${label.detail} · ${conversation.members.map((member) => member.username).join(", ")}`
                    : label.detail}
                </p>
              </div>
              {conversation.is_group ? (
                <button
                  type="button"
                  onClick={() => setInfoOpen((open) => !open)}
                  aria-expanded={infoOpen}
                  className="shrink-0 rounded-lg px-2 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  Group info
                </button>
              ) : null}
              {/* On a phone the sidebar, and its badge, is hidden while a conversation is open. */}
              <ConnectionBadge status={status} className="bg-slate-100 text-slate-700 md:hidden" />
            </header>
            {infoOpen && conversation.is_group ? (
              <GroupInfo
                key={conversation.id}
                status={status}
                me={me}
                group={conversation}
                people={users}
                onRename={(title) => changeGroup(renameGroupConversation({ conversation_id: conversation.id, title }), conversation.id)}
                onAdd={(usernames) => changeGroup(addGroupMembers({ conversation_id: conversation.id, usernames }), conversation.id)}
                onRemove={(userId) => changeGroup(removeGroupMember({ conversation_id: conversation.id, user_id: userId }), conversation.id)}
                onLeave={() => changeGroup(removeGroupMember({ conversation_id: conversation.id, user_id: me.id }), conversation.id)}
                onClose={() => setInfoOpen(false)}
              />
            ) : null}
            <MessageList
              key={conversation.id}
              me={me}
              members={conversation.members}
              people={users}
              messages={messages}
              originals={snapshot.originals}
              changes={snapshot.changes[conversation.id] ?? []}
              pending={snapshot.pending.filter((message) => message.conversation_id === conversation.id)}
              hasOlder={hasOlder}
              moderates={conversation.is_group && conversation.created_by === me.id}
              focusId={focus?.conversationId === conversation.id ? focus.messageId : null}
              onLoadOlder={() => loadOlder(conversation.id)}
              onRetry={retry}
              handlers={handlers}
              readSeq={aware.readSeq.get(conversation.id) ?? null}
              seenSeq={other ? (aware.readBy.get(conversation.id)?.get(other.id) ?? null) : null}
              onSeen={onSeen}
              onReading={onReading}
            />
            <TypingIndicator names={typingNames} />
            <Composer
              conversationId={conversation.id}
              members={others}
              replyingTo={replyingTo}
              onCancelReply={stable.cancelReply}
              onSend={stable.send}
              onTyping={stable.typing}
            />
          </>
        ) : (
          <div className="flex flex-1 flex-col items-center justify-center gap-2 bg-slate-50 p-8 text-center">
            <p className="text-4xl" aria-hidden="true">
              💬
            </p>
            <h1 className="text-lg font-semibold text-slate-800">{notice ?? "Pick a conversation"}</h1>
            <p className="max-w-xs text-sm text-slate-600">
              Choose a conversation on the left, click someone to start a 1-on-1, or create a group chat.
            </p>
          </div>
        )}
      </main>
    </div>
  );
}
