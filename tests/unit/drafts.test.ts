import { describe, expect, it } from "vitest";

import { discardDrafts, keepDraftsOf, loadDraft, saveDraft } from "@/lib/web/drafts";

describe("drafts", () => {
  it("keeps a user's drafts per conversation across a new sign-in of the same user", () => {
    keepDraftsOf("alice");
    saveDraft("c-1", "half a thought");
    saveDraft("c-2", "another");
    keepDraftsOf("alice");
    expect([loadDraft("c-1"), loadDraft("c-2")]).toEqual(["half a thought", "another"]);
  });

  it("gives another user signing in on the tab none of the drafts left in it", () => {
    keepDraftsOf("alice");
    saveDraft("c-1", "alice's private draft");
    keepDraftsOf("bob");
    expect(loadDraft("c-1")).toBe("");
  });

  it("discards every draft when the user logs out", () => {
    keepDraftsOf("carol");
    saveDraft("c-3", "unsent");
    discardDrafts();
    keepDraftsOf("carol");
    expect(loadDraft("c-3")).toBe("");
  });
});
