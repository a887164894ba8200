import { redirect } from "next/navigation";

import { ChatApp, type OpenConversation } from "@/components/chat/ChatApp";
import { currentUser } from "@/lib/auth/session";
import { othersReadMarkers } from "@/lib/chat/awareness";
import { listConversations } from "@/lib/chat/conversations";
import { listHistory } from "@/lib/chat/history";
import { DEFAULT_PAGE_SIZE } from "@/lib/chat/schemas";
import { listOtherUsers } from "@/lib/chat/users";
import type { ConversationDto } from "@/lib/chat/present";

/** The open conversation's newest page, and how far the others have read it (for "Seen"). */
async function openConversation(userId: string, conversation: ConversationDto): Promise<OpenConversation> {
  const [history, readBy] = await Promise.all([
    listHistory(userId, conversation.id, { limit: DEFAULT_PAGE_SIZE }),
    othersReadMarkers(userId, conversation.id),
  ]);
  return { conversation, history, readBy };
}

interface ChatPageProps {
  searchParams: Promise<{ c?: string | string[] }>;
}

export default async function ChatPage({ searchParams }: ChatPageProps) {
  const me = await currentUser();
  if (!me) redirect("/");
  const { c } = await searchParams;
  const [conversations, users] = await Promise.all([listConversations(me.id), listOtherUsers(me.id)]);
  const conversation = typeof c === "string" ? conversations.find((item) => item.id === c) : undefined;
  const open = conversation ? await openConversation(me.id, conversation) : null;
  const notice = c !== undefined && !conversation ? "That conversation is not available" : undefined;
  return <ChatApp me={me} conversations={conversations} users={users} open={open} notice={notice} />;
}
