// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { Composer } from "@/components/chat/Composer";
import type { UserDto } from "@/lib/chat/present";

afterEach(cleanup);

const BOB: UserDto = { id: "u2", username: "bob_baker", full_name: "Bob Baker" };

function renderComposer() {
  const onSend = vi.fn();
  render(<Composer conversationId="c1" members={[BOB]} onSend={onSend} />);
  const box = screen.getByRole("textbox", { name: "Message" }) as HTMLTextAreaElement;
  return { onSend, box };
}

describe("Composer", () => {
  it("sends the trimmed text on Enter and clears the box", () => {
    const { onSend, box } = renderComposer();
    fireEvent.change(box, { target: { value: "  hello there  " } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("hello there", []);
    expect(box.value).toBe("");
  });

  it("leaves Shift+Enter to start a new line", () => {
    const { onSend, box } = renderComposer();
    fireEvent.change(box, { target: { value: "line one" } });
    fireEvent.keyDown(box, { key: "Enter", shiftKey: true });
    expect(onSend).not.toHaveBeenCalled();
  });

  it("sends nothing when the box holds only whitespace", () => {
    const { onSend, box } = renderComposer();
    fireEvent.change(box, { target: { value: "   " } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("sends with the Send button too", () => {
    const { onSend, box } = renderComposer();
    fireEvent.change(box, { target: { value: "tap tap" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(onSend).toHaveBeenCalledWith("tap tap", []);
  });

  it("completes an @mention on Enter and puts the caret after it at once, so the next keystrokes follow it", () => {
    const { onSend, box } = renderComposer();
    fireEvent.change(box, { target: { value: "hey @bo and more", selectionStart: 7, selectionEnd: 7 } });
    screen.getByRole("option", { name: /bob_baker/ });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
    expect(box.value).toBe("hey @bob_baker  and more");
    expect([box.selectionStart, box.selectionEnd]).toEqual([15, 15]);
  });
});
