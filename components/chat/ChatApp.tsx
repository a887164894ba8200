"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { getSession, signOut } from "next-auth/react";
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";

import {
  addGroupMembers,
  loadConversation,
  loadOlderMessages,
  openDirectConversation,
  postMessage,
  removeGroupMember,
  renameGroupConversation,
} from "@/app/chat/actions";
import type { AttachmentDto, ConversationDto, MessageDto, UserDto } from "@/lib/chat/present";
import { DEFAULT_PAGE_SIZE } from "@/lib/chat/limits";
import { reachable, SESSION_ENDED, type ActionResult } from "@/lib/web/action-result";
import { ChatStore, type PendingMessage } from "@/lib/web/chat-store";
import { conversationLabel, newMessageId } from "@/lib/web/display";
import { LiveConnection, sameOriginSocketUrl } from "@/lib/web/live-connection";

import { Composer } from "./Composer";
import { GroupInfo } from "./GroupInfo";
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
  const [infoOpen, setInfoOpen] = useState(false);
  const fetching = useRef(new Set<string>());
  /** The conversation on screen, for the live connection's callbacks, which outlive renders. */
  const shownId = useRef<string | null>(open?.conversation.id ?? null);
  useEffect(() => {
    shownId.current = open?.conversation.id ?? null;
  }, [open]);

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
        if (!store.receive(message)) void learnConversation(message.conversation_id);
      },
      // An addition of this user is how a conversation appears live: it is loaded then.
      onChange: (change) => {
        if (!store.applyChange(change)) void learnConversation(change.conversation_id);
      },
      onRemoved: (conversationId) => {
        store.forget(conversationId);
        if (shownId.current === conversationId) router.push("/chat");
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
  }, [store, learnConversation, router]);

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
      }),
    );
    if (result.ok) return store.absorbMessages(message.conversation_id, [result.data]);
    store.markPending(message.message_id, true);
    report(result);
  }

  function send(conversationId: string, content: string, attachments: AttachmentDto[]) {
    const message = { message_id: newMessageId(), conversation_id: conversationId, content, attachments, created_at: new Date().toISOString() };
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
              hasOlder={(messages[0]?.seq ?? 1) > 1}
              onLoadOlder={() => loadOlder(conversation.id)}
              onRetry={retry}
            />
            <Composer conversationId={conversation.id} onSend={(content, attachments) => send(conversation.id, content, attachments)} />
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
