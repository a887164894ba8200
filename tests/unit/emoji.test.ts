import { describe, expect, it } from "vitest";

import { isEmoji } from "@/lib/chat/emoji";

describe("a reaction emoji", () => {
  it("is one pictograph, with or without a skin tone or variation selector", () => {
    for (const emoji of ["👍", "👍🏿", "❤️", "🔥"]) expect(isEmoji(emoji)).toBe(true);
  });

  it("may be a zero-width-joined sequence, a flag or a keycap", () => {
    for (const emoji of ["👩‍💻", "👨‍👩‍👧‍👦", "🇯🇵", "#️⃣", "7️⃣", "🏴󠁧󠁢󠁷󠁬󠁳󠁿"]) expect(isEmoji(emoji)).toBe(true);
  });

  it("is not text, two emoji, an emoji with text, or empty", () => {
    for (const value of ["", "a", "7", "👍👍", "👍a", " 👍", "🇯", ":)", "<img>"]) expect(isEmoji(value)).toBe(false);
  });

  it("is at most 32 bytes", () => {
    const family = "👨‍👩‍👧‍👦";
    const longer = `${family}\u200D👦\u200D👦`;
    expect(new TextEncoder().encode(longer).length).toBeGreaterThan(32);
    expect(isEmoji(longer)).toBe(false);
  });
});
