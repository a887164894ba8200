"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { getSession, signOut } from "next-auth/react";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";

import {
  addGroupMembers,
  deleteMessageAction,
  editMessageAction,
  loadConversation,
  loadOlderMessages,
  openDirectConversation,
  postMessage,
  reactAction,
  removeGroupMember,
  renameGroupConversation,
} from "@/app/chat/actions";
import type { HistoryPage } from "@/lib/chat/history";
import type { AttachmentDto, ConversationDto, MessageDto, UserDto } from "@/lib/chat/present";
import { DEFAULT_PAGE_SIZE } from "@/lib/chat/limits";
import { reachable, SESSION_ENDED, type ActionResult } from "@/lib/web/action-result";
import { ChatStore, type PendingMessage } from "@/lib/web/chat-store";
import { conversationLabel, displayName, newMessageId } from "@/lib/web/display";
import { LiveConnection, sameOriginSocketUrl } from "@/lib/web/live-connection";

import { Composer, type ReplyTarget } from "./Composer";
import { GroupInfo } from "./GroupInfo";
import type { MessageHandlers } from "./MessageItem";
import { MessageList } from "./MessageList";
import { NotificationToggle } from "./NotificationToggle";
import { SearchBox } from "./SearchBox";
import { Sidebar } from "./Sidebar";

export interface OpenConversation {
  conversation: ConversationDto;
  /** The most recent page of its history, oldest first. */
  history: HistoryPage;
}

export interface ChatAppProps {
  me: UserDto;
  conversations: ConversationDto[];
  users: UserDto[];
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

function absorbServerRender(store: ChatStore, { conversations, open }: ChatAppProps): ChatStore {
  store.absorbConversations(conversations);
  if (open) store.absorbHistory(open.conversation.id, open.history);
  return store;
}

/**
 * The chat screen. The server render supplies the conversation list and the open
 * conversation's recent history; from then on a WebSocket keeps both current.
 */
export function ChatApp(props: ChatAppProps) {
  const { me, users, open, notice } = props;
  const router = useRouter();
  const [store] = useState(() => absorbServerRender(new ChatStore(me.id), props));
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const [error, setError] = useState<string | null>(null);
  const [infoOpen, setInfoOpen] = useState(false);
  // A reply being written belongs to its conversation; opening another one leaves it behind.
  const [reply, setReply] = useState<{ conversationId: string; target: ReplyTarget } | null>(null);
  const [focus, setFocus] = useState<Focus | null>(null);
  const jumpPages = useRef(0);
  const fetching = useRef(new Set<string>());
  const openId = open?.conversation.id ?? null;
  const openIdRef = useRef(openId);
  const replyingTo = reply && reply.conversationId === openId ? reply.target : null;

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
    absorbServerRender(store, props);
  }, [store, props]);

  const learnConversation = useCallback(
    async (conversationId: string) => {
      if (fetching.current.has(conversationId)) return;
      fetching.current.add(conversationId);
      const result = await reachable(loadConversation({ conversation_id: conversationId }));
      fetching.current.delete(conversationId);
      if (result.ok) store.absorbConversations([result.data]);
    },
    [store],
  );

  useEffect(() => {
    const connection = new LiveConnection({
      url: sameOriginSocketUrl(window.location),
      eventStreamUrl: "/events",
      cursors: () => store.cursors(),
      onStatus: (status) => store.setStatus(status),
      onMessage: (message) => {
        const mentioned = store.mentionsAnew(message, true);
        if (!store.receive(message)) void learnConversation(message.conversation_id);
        if (mentioned) noticeMention(message);
      },
      // An edit that adds a mention of the user notifies them as a new message naming them does.
      onMessageUpdated: (frame) => {
        const mentioned = store.mentionsAnew(frame.message, false);
        if (!store.receiveUpdate(frame)) void learnConversation(frame.conversation_id);
        if (mentioned) noticeMention(frame.message);
      },
      // An addition of this user is how a conversation appears live: it is loaded then.
      onChange: (change) => {
        if (!store.applyChange(change)) void learnConversation(change.conversation_id);
      },
      onRemoved: (conversationId) => {
        store.forget(conversationId);
        if (openIdRef.current === conversationId) router.push("/chat");
      },
      onPresence: (presence) => store.applyPresence(presence.user_id, presence.online, presence.last_seen_at),
      // Asking for the session renews the cookie if it still stands; a revoked one sends the
      // user to log in, and the draft waits for them in session storage.
      onSessionEnded: async () => {
        if (await getSession()) return true;
        router.replace("/");
        return false;
      },
    });
    const retry = () => connection.retryNow();
    window.addEventListener("online", retry);
    connection.start();
    return () => {
      window.removeEventListener("online", retry);
      connection.stop();
    };
    // noticeMention reads only refs and the store, so the connection need not restart for it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, learnConversation, router]);

  /** A mention is marked on its conversation unless it is being read, and notified when the tab is hidden. */
  function noticeMention(message: MessageDto) {
    if (document.hidden || message.conversation_id !== openIdRef.current) store.markMentioned(message.conversation_id);
    if (!document.hidden || !("Notification" in window) || Notification.permission !== "granted") return;
    const sender = store.getSnapshot().conversations.find((item) => item.id === message.conversation_id)?.members.find((member) => member.id === message.sender_id);
    const notification = new Notification(`${sender ? displayName(sender) : "Someone"} mentioned you`, { body: message.content, tag: message.id });
    notification.onclick = () => {
      window.focus();
      jumpTo(message);
    };
  }

  /** An action refused for want of a session sends the user to log in again; other refusals are shown. */
  function report(result: ActionResult<unknown>) {
    if (result.ok) return;
    if (result.error === SESSION_ENDED) return router.replace("/");
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
    if (result.ok) return store.absorbMessages(message.conversation_id, [result.data]);
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

  function retry(message: PendingMessage) {
    store.markPending(message.message_id, false);
    void deliver(message);
  }

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
      setInfoOpen(false);
      router.push("/chat");
    }
    return true;
  }

  async function logout() {
    await signOut({ redirect: false });
    router.replace("/");
    router.refresh();
  }

  const conversation = openId ? (snapshot.conversations.find((item) => item.id === openId) ?? open!.conversation) : null;
  const messages = openId ? (snapshot.messages[openId] ?? []) : [];
  const label = conversation ? conversationLabel(conversation, me.id) : null;

  return (
    <div className="mx-auto flex h-dvh max-w-6xl overflow-hidden bg-white shadow-xl">
      <aside
        aria-label="Chats"
        className={`${conversation ? "hidden md:flex" : "flex"} w-full flex-col border-r border-slate-200 bg-slate-50 md:w-80 md:shrink-0`}
      >
        <Sidebar
          me={me}
          conversations={snapshot.conversations}
          users={users}
          openId={openId}
          status={snapshot.status}
          onOpenUser={(user) => void openUser(user)}
          onGroupCreated={show}
          onLogout={() => void logout()}
          mentioned={snapshot.mentioned}
        >
          <SearchBox me={me} conversations={snapshot.conversations} onOpen={jumpTo} />
          <NotificationToggle />
        </Sidebar>
      </aside>

      <main className={`${conversation ? "flex" : "hidden md:flex"} relative min-w-0 flex-1 flex-col`}>
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
                <h1 className="truncate text-base font-semibold text-slate-900" data-testid="conversation-title">
                  {label.name}
                </h1>
                <p className="truncate text-xs text-slate-500">
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
            </header>
            {infoOpen && conversation.is_group ? (
              <GroupInfo
                key={conversation.id}
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
              changes={snapshot.changes[conversation.id] ?? []}
              pending={snapshot.pending.filter((message) => message.conversation_id === conversation.id)}
              hasOlder={hasOlder}
              moderates={conversation.is_group && conversation.created_by === me.id}
              focusId={focus?.conversationId === conversation.id ? focus.messageId : null}
              onLoadOlder={() => loadOlder(conversation.id)}
              onRetry={retry}
              handlers={handlers}
            />
            <Composer
              conversationId={conversation.id}
              members={conversation.members.filter((member) => member.id !== me.id)}
              replyingTo={replyingTo}
              onCancelReply={() => setReply(null)}
              onSend={(content, attachments) => send(conversation.id, content, attachments)}
            />
          </>
        ) : (
          <div className="flex flex-1 flex-col items-center justify-center gap-2 bg-slate-50 p-8 text-center">
            <p className="text-4xl" aria-hidden="true">
              💬
            </p>
            <h1 className="text-lg font-semibold text-slate-800">{notice ?? "Pick a conversation"}</h1>
            <p className="max-w-xs text-sm text-slate-500">
              Choose a conversation on the left, click someone to start a 1-on-1, or create a group chat.
            </p>
          </div>
        )}
      </main>
    </div>
  );
}
