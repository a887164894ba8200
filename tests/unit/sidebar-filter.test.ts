import { describe, expect, it } from "vitest";

import type { ConversationDto, PersonDto } from "@/lib/chat/present";
import { filterConversations, filterPeople } from "@/lib/web/sidebar-filter";

const person = (id: string, username: string, full_name: string | null): PersonDto => ({ id, username, full_name, online: false, last_seen_at: null });
const me = person("me", "me", null);
const jose = person("j", "jose", "José Álvarez");
const kim = person("k", "kim", "Kim Lee");

function conversation(id: string, members: PersonDto[], title = "", is_group = false): ConversationDto {
  return { id, title, is_group, members, member_ids: members.map((member) => member.id), created_at: "", created_by: null, last_seq: 0 };
}

describe("sidebar filter", () => {
  const list = [conversation("d", [me, jose]), conversation("g", [me, jose, kim], "Book club", true)];

  it("keeps everything for an empty query", () => {
    expect(filterConversations(list, "  ", me.id)).toBe(list);
  });

  it("finds conversations by name, title or member, ignoring case and accents", () => {
    expect(filterConversations(list, "alvarez", me.id).map((item) => item.id)).toEqual(["d", "g"]);
    expect(filterConversations(list, "book", me.id).map((item) => item.id)).toEqual(["g"]);
    expect(filterConversations(list, "kim club", me.id).map((item) => item.id)).toEqual(["g"]);
  });

  it("finds people by name or username", () => {
    expect(filterPeople([jose, kim], "JOSÉ").map((item) => item.id)).toEqual(["j"]);
    expect(filterPeople([jose, kim], "kim").map((item) => item.id)).toEqual(["k"]);
  });

  it("does not match the user's own name in every conversation", () => {
    expect(filterConversations(list, "me", me.id)).toEqual([]);
  });
});
