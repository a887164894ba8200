import { describe, expect, it } from "vitest";

import { activeMention, completeMention } from "@/lib/web/mention-completion";

describe("the @mention being typed", () => {
  it("is what follows an @ at the start or after a space, up to the caret", () => {
    expect(activeMention("@Bo", 3)).toEqual({ start: 0, prefix: "bo" });
    expect(activeMention("hi @an", 6)).toEqual({ start: 3, prefix: "an" });
    expect(activeMention("hi @", 4)).toEqual({ start: 3, prefix: "" });
  });

  it("is not an e-mail address or a finished word", () => {
    expect(activeMention("me@bob", 6)).toBeNull();
    expect(activeMention("@bob done", 9)).toBeNull();
  });

  it("completes to the username and a space, keeping what follows the caret", () => {
    const text = "hi @an, ok";
    expect(completeMention(text, 6, { start: 3, prefix: "an" }, "ann.lee")).toEqual({ text: "hi @ann.lee , ok", caret: 12 });
  });
});
