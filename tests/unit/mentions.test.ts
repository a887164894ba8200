import { describe, expect, it } from "vitest";

import { mentionedMemberIds, mentionedUsernames } from "@/lib/chat/mentions";

const members = [
  { id: "u-bob", username: "Bob" },
  { id: "u-ann", username: "ann.lee" },
];

describe("mentions", () => {
  it("are @usernames, matched case-insensitively, each once", () => {
    expect(mentionedUsernames("@bob @BOB and @ann.lee")).toEqual(["bob", "ann.lee"]);
  });

  it("stop before sentence punctuation", () => {
    expect(mentionedUsernames("thanks @bob. and @ann.lee!")).toEqual(["bob", "ann.lee"]);
  });

  it("are not e-mail addresses", () => {
    expect(mentionedUsernames("write to me@bob.org")).toEqual([]);
  });

  it("name only members", () => {
    expect(mentionedMemberIds("@bob @stranger @ann.lee", members)).toEqual(["u-bob", "u-ann"]);
  });
});
