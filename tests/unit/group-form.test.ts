import { describe, expect, it } from "vitest";

import { groupFormSchema } from "@/lib/chat/schemas";
import { InvalidInput, parseActionInput } from "@/lib/auth/server-action";

describe("the New Group Chat form", () => {
  it("splits comma-separated usernames, trimming blanks and repeats", () => {
    const form = parseActionInput(groupFormSchema, { title: " Trip ", usernames: "ann, bo ,, ann,cy " });
    expect(form).toEqual({ title: "Trip", usernames: ["ann", "bo", "cy"] });
  });

  it("requires a group name, reported against its field", () => {
    const refusal = (() => {
      try {
        parseActionInput(groupFormSchema, { title: "   ", usernames: "ann" });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(InvalidInput);
    expect((refusal as InvalidInput).fieldErrors).toEqual({ title: "Group name is required" });
  });

  it("requires at least one username", () => {
    expect(() => parseActionInput(groupFormSchema, { title: "Trip", usernames: " , ," })).toThrow("Name at least one member");
  });

  it("refuses input that is not the form's shape", () => {
    expect(() => parseActionInput(groupFormSchema, { title: 42, usernames: ["ann"] })).toThrow(InvalidInput);
  });
});
