import { describe, expect, it } from "vitest";

import { typingSender } from "@/lib/web/typing-sender";
import { titleWithUnread } from "@/lib/web/unread-badge";

describe("typingSender", () => {
  it("sends on the first keystroke, then at most once per interval per conversation", () => {
    let now = 0;
    const sent: string[] = [];
    const typed = typingSender((id) => sent.push(`${id}@${now}`), 2000, () => now);
    typed("a");
    now = 500;
    typed("a");
    typed("b");
    now = 2000;
    typed("a");
    expect(sent).toEqual(["a@0", "b@500", "a@2000"]);
  });
});

describe("titleWithUnread", () => {
  it("puts the unread total in front of the title and takes it away at zero", () => {
    expect(titleWithUnread("Chat", 3)).toBe("(3) Chat");
    expect(titleWithUnread("Chat", 120)).toBe("(99+) Chat");
    expect(titleWithUnread("Chat", 0)).toBe("Chat");
  });
});
