// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { Sidebar } from "@/components/chat/Sidebar";
import type { ConversationDto, PersonDto } from "@/lib/chat/present";

afterEach(cleanup);

const absent = { online: false, last_seen_at: null };
const me: PersonDto = { id: "u-me", username: "me", full_name: "Mia Me", ...absent };
const ann: PersonDto = { id: "u-ann", username: "ann", full_name: "Ann Other", ...absent };
const bo: PersonDto = { id: "u-bo", username: "bo", full_name: null, ...absent };

function conversation(id: string, members: PersonDto[], overrides: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id,
    title: "",
    is_group: false,
    created_by: null,
    members,
    member_ids: members.map((member) => member.id),
    created_at: "2026-03-04T15:00:00.000Z",
    last_seq: 0,
    last_message: null,
    ...overrides,
  };
}

function renderSidebar(props: Partial<Parameters<typeof Sidebar>[0]> = {}) {
  const handlers = { onOpenUser: vi.fn(), onGroupCreated: vi.fn(), onLogout: vi.fn() };
  render(<Sidebar me={me} conversations={[]} users={[]} openId={null} status="online" mentioned={new Set()} {...handlers} {...props} />);
  return handlers;
}

function conversationLinks() {
  return within(screen.getByRole("navigation", { name: "Conversations" })).getAllByRole("link");
}

describe("Sidebar", () => {
  it("names a 1-on-1 after the other person", () => {
    renderSidebar({ conversations: [conversation("d1", [me, ann]), conversation("d2", [bo, me])] });
    expect(conversationLinks().map((link) => within(link).getByTestId("conversation-name").textContent)).toEqual(["Ann Other", "bo"]);
  });

  it("shows a group with 👥, its title and its member count", () => {
    renderSidebar({ conversations: [conversation("g1", [me, ann, bo], { is_group: true, title: "Book club" })] });
    const [link] = conversationLinks();
    expect(within(link!).getByTestId("conversation-name").textContent).toBe("👥 Book club");
    expect(link!.textContent).toContain("3 members");
  });

  it("links each conversation to its page and marks the open one", () => {
    renderSidebar({ conversations: [conversation("d1", [me, ann]), conversation("d2", [me, bo])], openId: "d2" });
    const [first, second] = conversationLinks();
    expect(first!.getAttribute("href")).toBe("/chat?c=d1");
    expect(first!.getAttribute("aria-current")).toBeNull();
    expect(second!.getAttribute("aria-current")).toBe("page");
  });

  it("previews the last message of each conversation", () => {
    const last = { id: "m1", message_id: "k1", sender_id: ann.id, conversation_id: "d1", content: "see you at 8", attachments: [], created_at: "2026-03-04T15:01:00.000Z", seq: 1, edited_at: null, deleted: false, reactions: [], reply_to: null, mentions: [] };
    renderSidebar({ conversations: [conversation("d1", [me, ann], { last_message: last, last_seq: 1 })] });
    expect(conversationLinks()[0]!.textContent).toContain("see you at 8");
  });

  it("marks the conversations where the user was mentioned", () => {
    renderSidebar({ conversations: [conversation("d1", [me, ann]), conversation("d2", [me, bo])], mentioned: new Set(["d2"]) });
    expect(conversationLinks().map((link) => link.querySelector('[data-testid="mentioned"]') !== null)).toEqual([false, true]);
  });

  it("previews a deleted last message as deleted", () => {
    const last = { id: "m1", message_id: "k1", sender_id: ann.id, conversation_id: "d1", content: "", attachments: [], created_at: "2026-03-04T15:01:00.000Z", seq: 1, edited_at: null, deleted: true, reactions: [], reply_to: null, mentions: [] };
    renderSidebar({ conversations: [conversation("d1", [me, ann], { last_message: last, last_seq: 1 })] });
    expect(conversationLinks()[0]!.textContent).toContain("Message deleted");
  });

  it("opens a 1-on-1 when a person is clicked", () => {
    const { onOpenUser } = renderSidebar({ users: [ann, bo] });
    fireEvent.click(screen.getByRole("button", { name: /^Chat with bo\b/ }));
    expect(onOpenUser).toHaveBeenCalledWith(bo);
  });

  it("explains the empty lists", () => {
    renderSidebar();
    expect(screen.getByText("No conversations yet. Pick someone below to start one.")).toBeTruthy();
    expect(screen.getByText("Nobody else has signed up yet.")).toBeTruthy();
  });

  it("shows the connection status", () => {
    renderSidebar({ status: "reconnecting" });
    expect(screen.getByRole("status", { name: "Connection: Reconnecting…" })).toBeTruthy();
  });

  it("asks for a group name before creating a group, focusing the form", () => {
    renderSidebar();
    fireEvent.click(screen.getByRole("button", { name: "+ New Group Chat" }));
    expect(document.activeElement).toBe(screen.getByLabelText("Group name"));
    fireEvent.change(screen.getByLabelText("Members (usernames, comma-separated)"), { target: { value: "ann" } });
    fireEvent.click(screen.getByRole("button", { name: "Create group" }));
    expect(screen.getByText("Group name is required")).toBeTruthy();
    expect(screen.getByLabelText("Group name").getAttribute("aria-invalid")).toBe("true");
  });

  it("closes the group form on Escape", () => {
    renderSidebar();
    fireEvent.click(screen.getByRole("button", { name: "+ New Group Chat" }));
    fireEvent.keyDown(screen.getByLabelText("Group name"), { key: "Escape" });
    expect(screen.queryByRole("form", { name: "New group chat" })).toBeNull();
    expect(screen.getByRole("button", { name: "+ New Group Chat" })).toBeTruthy();
  });
});
