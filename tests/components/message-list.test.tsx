// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";

import { MessageList } from "@/components/chat/MessageList";
import type { MessageDto, UserDto } from "@/lib/chat/present";
import type { PendingMessage } from "@/lib/web/chat-store";

import { messageDto } from "../support/dtos";

afterEach(cleanup);

const me: UserDto = { id: "u-me", username: "me", full_name: "Mia Me" };
const ann: UserDto = { id: "u-ann", username: "ann", full_name: "Ann Other" };
const bo: UserDto = { id: "u-bo", username: "bo", full_name: null };

function message(seq: number, sender: UserDto, content: string): MessageDto {
  return messageDto(seq, { sender_id: sender.id, content, created_at: "2026-03-04T15:07:00.000Z" });
}

function renderList(props: Partial<Parameters<typeof MessageList>[0]> = {}) {
  const actions = { onReply: vi.fn(), onReact: vi.fn(), onEdit: vi.fn(async () => true), onDelete: vi.fn(), onJump: vi.fn() };
  const handlers = { onLoadOlder: vi.fn(async () => undefined), onRetry: vi.fn() };
  render(
    <MessageList
      me={me}
      members={[me, ann, bo]}
      messages={[]}
      pending={[]}
      hasOlder={false}
      moderates={false}
      focusId={null}
      handlers={actions}
      {...handlers}
      {...props}
    />,
  );
  return { ...handlers, ...actions };
}

function bubbles() {
  return within(screen.getByRole("log", { name: "Messages" })).getAllByTestId("message");
}

describe("MessageList", () => {
  it("puts the user's own messages on the right and everyone else's on the left", () => {
    renderList({ messages: [message(1, ann, "hello"), message(2, me, "hi back")] });
    const [theirs, mine] = bubbles();
    expect(theirs!.className).toContain("justify-start");
    expect(mine!.className).toContain("justify-end");
  });

  it("names the sender of each message, falling back to the username", () => {
    renderList({ messages: [message(1, ann, "a"), message(2, bo, "b"), message(3, me, "c")] });
    expect(bubbles().map((item) => item.querySelector("span")?.textContent)).toEqual(["Ann Other", "bo", "You"]);
  });

  it("shows each message's time as a machine-readable timestamp", () => {
    renderList({ messages: [message(1, ann, "a")] });
    const time = bubbles()[0]!.querySelector("time")!;
    expect(time.getAttribute("dateTime")).toBe("2026-03-04T15:07:00.000Z");
    expect(time.textContent).toMatch(/\d/);
  });

  it("says so when the conversation has no messages yet", () => {
    renderList();
    expect(screen.getByText("No messages yet. Say hello! 👋")).toBeTruthy();
  });

  it("shows a message being sent after the stored ones, marked as sending", () => {
    const pending: PendingMessage = { message_id: "p1", conversation_id: "c1", content: "on its way", attachments: [], created_at: "2026-03-04T15:08:00.000Z", reply_to: null, failed: false };
    renderList({ messages: [message(1, ann, "first")], pending: [pending] });
    const last = bubbles().at(-1)!;
    expect(last.getAttribute("data-state")).toBe("sending");
    expect(last.textContent).toContain("sending…");
  });

  it("offers to retry a message that could not be sent", () => {
    const pending: PendingMessage = { message_id: "p1", conversation_id: "c1", content: "lost", attachments: [], created_at: "2026-03-04T15:08:00.000Z", reply_to: null, failed: true };
    const { onRetry } = renderList({ pending: [pending] });
    fireEvent.click(screen.getByRole("button", { name: "Not sent — retry" }));
    expect(onRetry).toHaveBeenCalledWith(pending);
  });

  it("loads older history on request only while there is some", () => {
    const { onLoadOlder } = renderList({ messages: [message(51, ann, "later")], hasOlder: true });
    fireEvent.click(screen.getByRole("button", { name: "Load older messages" }));
    expect(onLoadOlder).toHaveBeenCalledTimes(1);
    cleanup();
    renderList({ messages: [message(1, ann, "the very first")], hasOlder: false });
    expect(screen.queryByRole("button", { name: "Load older messages" })).toBeNull();
  });

  it("marks an edited message as edited and a deleted one as deleted, without its words", () => {
    renderList({
      messages: [
        { ...message(1, ann, "fixed typo"), edited_at: "2026-03-04T15:09:00.000Z" },
        { ...message(2, ann, ""), deleted: true },
      ],
    });
    const [edited, deleted] = bubbles();
    expect(within(edited!).getByTestId("edited").textContent).toBe("(edited)");
    expect(within(deleted!).getByTestId("message-body").textContent).toBe("This message was deleted");
  });

  it("renders Markdown and links safely, leaving raw HTML as text", () => {
    renderList({ messages: [message(1, ann, "**bold** <img src=x onerror=alert(1)> https://example.com")] });
    const body = screen.getByTestId("message-body");
    expect(body.querySelector("strong")!.textContent).toBe("bold");
    expect(body.querySelector("img")).toBeNull();
    const link = body.querySelector("a")!;
    expect([link.getAttribute("href"), link.getAttribute("target"), link.getAttribute("rel")]).toEqual(["https://example.com", "_blank", "noopener noreferrer"]);
  });

  it("toggles the reader's own reaction from its chip", () => {
    const reacted = { ...message(1, ann, "nice"), reactions: [{ emoji: "👍", count: 2, user_ids: [ann.id, me.id] }, { emoji: "🎉", count: 1, user_ids: [ann.id] }] };
    const { onReact } = renderList({ messages: [reacted] });
    fireEvent.click(screen.getByRole("button", { name: "👍 2, including you" }));
    fireEvent.click(screen.getByRole("button", { name: "🎉 1" }));
    expect(onReact.mock.calls.map(([, emoji, on]) => [emoji, on])).toEqual([
      ["👍", false],
      ["🎉", true],
    ]);
  });

  it("reacts with an emoji picked from the picker", () => {
    const { onReact } = renderList({ messages: [message(1, ann, "pick one")] });
    fireEvent.click(screen.getByRole("button", { name: "React" }));
    fireEvent.click(screen.getByRole("button", { name: "React with 🎉" }));
    expect(onReact).toHaveBeenCalledWith(expect.objectContaining({ id: "m1" }), "🎉", true);
  });

  it("offers edit only on the user's own messages and saves the edit in place", async () => {
    const { onEdit } = renderList({ messages: [message(1, ann, "theirs"), message(2, me, "mine")] });
    const [theirs, mine] = bubbles();
    expect(within(theirs!).queryByRole("button", { name: "Edit" })).toBeNull();
    fireEvent.click(within(mine!).getByRole("button", { name: "Edit" }));
    const editor = within(mine!).getByRole("textbox", { name: "Edit message" });
    fireEvent.change(editor, { target: { value: "mine, better" } });
    fireEvent.keyDown(editor, { key: "Enter" });
    expect(onEdit).toHaveBeenCalledWith(expect.objectContaining({ id: "m2" }), "mine, better");
  });

  it("deletes only after confirmation", () => {
    const { onDelete } = renderList({ messages: [message(1, me, "oops")] });
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(onDelete).not.toHaveBeenCalled();
    fireEvent.click(within(screen.getByRole("alertdialog", { name: "Delete this message?" })).getByRole("button", { name: "Delete" }));
    expect(onDelete).toHaveBeenCalledWith(expect.objectContaining({ id: "m1" }));
  });

  it("offers delete on others' messages only to a group's creator", () => {
    renderList({ messages: [message(1, ann, "theirs")] });
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull();
    cleanup();
    renderList({ messages: [message(1, ann, "theirs")], moderates: true });
    expect(screen.getByRole("button", { name: "Delete" })).toBeTruthy();
  });

  it("quotes the message a reply answers and jumps to it on click", () => {
    const { onJump } = renderList({ messages: [message(1, ann, "the question"), { ...message(2, me, "the answer"), reply_to: "m1" }] });
    const quote = screen.getByTestId("quoted-reply");
    expect(quote.textContent).toContain("Ann Other");
    expect(quote.textContent).toContain("the question");
    fireEvent.click(quote);
    expect(onJump).toHaveBeenCalledWith("m1");
  });

  it("hydrates the server's markup whatever the zones of server and reader, then parts the days in the reader's", async () => {
    // 20:00 and 02:00 UTC: two days in UTC, one evening in New York.
    const evening = [
      messageDto(1, { sender_id: ann.id, content: "late", created_at: "2026-03-04T20:00:00.000Z" }),
      messageDto(2, { sender_id: ann.id, content: "later", created_at: "2026-03-05T02:00:00.000Z" }),
    ];
    const list = (
      <MessageList me={me} members={[me, ann]} messages={evening} pending={[]} hasOlder={false} moderates={false} focusId={null} handlers={{ onReply: vi.fn(), onReact: vi.fn(), onEdit: vi.fn(async () => true), onDelete: vi.fn(), onJump: vi.fn() }} onLoadOlder={vi.fn(async () => undefined)} onRetry={vi.fn()} />
    );
    const zone = process.env.TZ;
    const container = document.body.appendChild(document.createElement("div"));
    const mismatches: unknown[] = [];
    try {
      process.env.TZ = "UTC";
      container.innerHTML = renderToString(list);
      process.env.TZ = "America/New_York";
      const root = await act(async () => hydrateRoot(container, list, { onRecoverableError: (error) => mismatches.push(error) }));
      expect(mismatches).toEqual([]);
      expect(within(container).getAllByTestId("day-separator")).toHaveLength(1);
      act(() => root.unmount());
    } finally {
      process.env.TZ = zone;
      container.remove();
    }
  });
});
