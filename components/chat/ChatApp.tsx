"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";

import { loadConversation, loadOlderMessages, openDirectConversation, postMessage } from "@/app/chat/actions";
import type { ConversationDto, MessageDto, UserDto } from "@/lib/chat/present";
import { DEFAULT_PAGE_SIZE } from "@/lib/chat/limits";
import { reachable, SESSION_ENDED, type ActionResult } from "@/lib/web/action-result";
import { ChatStore, type PendingMessage } from "@/lib/web/chat-store";
import { conversationLabel, newMessageId } from "@/lib/web/display";
import { LiveConnection, sameOriginSocketUrl } from "@/lib/web/live-connection";

import { Composer } from "./Composer";
import { MessageList } from "./MessageList";
import { Sidebar } from "./Sidebar";

export interface OpenConversation {
  conversation: ConversationDto;
  /** The most recent page of its history, oldest first. */
  messages: MessageDto[];
}

export interface ChatAppProps {
  me: UserDto;
  conversations: ConversationDto[];
  users: UserDto[];
  open: OpenConversation | null;
  /** Shown instead of a conversation, e.g. when the address named one that is not the user's. */
  notice?: string;
}

function absorbServerRender(store: ChatStore, { conversations, open }: ChatAppProps): ChatStore {
  store.absorbConversations(conversations);
  if (open) store.absorbMessages(open.conversation.id, open.messages);
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
  const fetching = useRef(new Set<string>());

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
      cursors: () => store.cursors(),
      onStatus: (status) => store.setStatus(status),
      onMessage: (message) => {
        if (!store.receive(message)) void learnConversation(message.conversation_id);
      },
      // An addition of this user is how a conversation appears live: it is loaded then.
      onChange: (change) => {
        if (!store.applyChange(change)) void learnConversation(change.conversation_id);
      },
      onRemoved: (conversationId) => store.forget(conversationId),
      onPresence: (presence) => store.applyPresence(presence.user_id, presence.online, presence.last_seen_at),
    });
    const retry = () => connection.retryNow();
    window.addEventListener("online", retry);
    connection.start();
    return () => {
      window.removeEventListener("online", retry);
      connection.stop();
    };
  }, [store, learnConversation]);

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
      postMessage({ message_id: message.message_id, conversation_id: message.conversation_id, content: message.content }),
    );
    if (result.ok) return store.absorbMessages(message.conversation_id, [result.data]);
    store.markPending(message.message_id, true);
    report(result);
  }

  function send(conversationId: string, content: string) {
    const message = { message_id: newMessageId(), conversation_id: conversationId, content, created_at: new Date().toISOString() };
    store.addPending(message);
    void deliver(message);
  }

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
    if (result.ok) store.absorbMessages(conversationId, result.data);
    else report(result);
  }

  async function logout() {
    await signOut({ redirect: false });
    router.replace("/");
    router.refresh();
  }

  const openId = open?.conversation.id ?? null;
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
        />
      </aside>

      <main className={`${conversation ? "flex" : "hidden md:flex"} min-w-0 flex-1 flex-col`}>
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
              <div className="min-w-0">
                <h1 className="truncate text-base font-semibold text-slate-900" data-testid="conversation-title">
                  {label.name}
                </h1>
                <p className="truncate text-xs text-slate-500">
                  {conversation.is_group
                    ? `${label.detail} · ${conversation.members.map((member) => member.username).join(", ")}`
                    : label.detail}
                </p>
              </div>
            </header>
            <MessageList
              key={conversation.id}
              me={me}
              members={conversation.members}
              messages={messages}
              pending={snapshot.pending.filter((message) => message.conversation_id === conversation.id)}
              hasOlder={(messages[0]?.seq ?? 1) > 1}
              onLoadOlder={() => loadOlder(conversation.id)}
              onRetry={retry}
            />
            <Composer conversationId={conversation.id} onSend={(content) => send(conversation.id, content)} />
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
