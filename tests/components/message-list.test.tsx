// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { MessageList } from "@/components/chat/MessageList";
import type { MessageDto, UserDto } from "@/lib/chat/present";
import type { PendingMessage } from "@/lib/web/chat-store";

afterEach(cleanup);

const me: UserDto = { id: "u-me", username: "me", full_name: "Mia Me" };
const ann: UserDto = { id: "u-ann", username: "ann", full_name: "Ann Other" };
const bo: UserDto = { id: "u-bo", username: "bo", full_name: null };

function message(seq: number, sender: UserDto, content: string): MessageDto {
  return {
    id: `m${seq}`,
    message_id: `k${seq}`,
    sender_id: sender.id,
    conversation_id: "c1",
    attachments: [],
    content,
    created_at: "2026-03-04T15:07:00.000Z",
    seq,
  };
}

function renderList(props: Partial<Parameters<typeof MessageList>[0]> = {}) {
  const handlers = { onLoadOlder: vi.fn(async () => undefined), onRetry: vi.fn() };
  render(<MessageList me={me} members={[me, ann, bo]} messages={[]} pending={[]} hasOlder={false} {...handlers} {...props} />);
  return handlers;
}

function bubbles() {
  return within(screen.getByRole("log", { name: "Messages" })).getAllByRole("listitem");
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
    const pending: PendingMessage = { message_id: "p1", conversation_id: "c1", content: "on its way", attachments: [], created_at: "2026-03-04T15:08:00.000Z", failed: false };
    renderList({ messages: [message(1, ann, "first")], pending: [pending] });
    const last = bubbles().at(-1)!;
    expect(last.getAttribute("data-state")).toBe("sending");
    expect(last.textContent).toContain("sending…");
  });

  it("offers to retry a message that could not be sent", () => {
    const pending: PendingMessage = { message_id: "p1", conversation_id: "c1", content: "lost", attachments: [], created_at: "2026-03-04T15:08:00.000Z", failed: true };
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
});
