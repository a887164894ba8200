import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { parseNotice } from "@/lib/db/pg/announcements";
import { OwnNotices } from "@/lib/db/pg/own-notices";
import { messageEventRow, storedEvent, type Announcement, type MessageRecord } from "@/lib/db/repository";

function announcement(content = "hello"): Announcement {
  const message: MessageRecord = {
    id: randomUUID(),
    messageId: randomUUID(),
    senderId: randomUUID(),
    conversationId: randomUUID(),
    content,
    attachments: null,
    seq: 1,
    createdAt: new Date().toISOString(),
    editedAt: null,
    deleted: false,
    reactions: [],
    mentions: [],
    replyTo: null,
  };
  return { event: storedEvent({ event: messageEventRow(message, 1, "message", message.createdAt), message }), memberIds: [message.senderId] };
}

describe("the notices an instance sent itself (lib/db/pg/own-notices.ts)", () => {
  it("gives a payload that parses as the announcement it was made from", () => {
    const sent = announcement();
    expect(parseNotice(new OwnNotices(10).payloadOf(sent))).toEqual(sent);
  });

  it("gives back the announcement a payload was made from when the payload is heard, once", () => {
    const notices = new OwnNotices(10);
    const sent = announcement();
    const payload = notices.payloadOf(sent);
    expect(notices.heard(payload)).toBe(sent);
    expect(notices.heard(payload)).toBeUndefined();
  });

  it("does not know a payload it did not make, such as another instance's", () => {
    const notices = new OwnNotices(10);
    notices.payloadOf(announcement());
    expect(notices.heard(new OwnNotices(10).payloadOf(announcement()))).toBeUndefined();
  });

  it("forgets the payload it made first when it holds as many as it may", () => {
    const notices = new OwnNotices(2);
    const payloads = [announcement("a"), announcement("b"), announcement("c")].map((sent) => notices.payloadOf(sent));
    expect(payloads.map((payload) => notices.heard(payload)?.event.message?.content)).toEqual([undefined, "b", "c"]);
  });
});
