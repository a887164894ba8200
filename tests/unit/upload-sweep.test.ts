import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";

import { afterAll, describe, expect, it, vi } from "vitest";

import { sendMessage } from "@/lib/chat/messages";
import { openUpload, storeUpload, sweepUnattachedUploads, UNATTACHED_UPLOAD_TTL_MS } from "@/lib/chat/uploads";
import { closeRepository } from "@/lib/db";
import { getStorage } from "@/lib/storage";

import { createPair } from "../support/in-process";

// Runs before the imports, so the store and the files open in a directory of their own.
vi.hoisted(() => {
  process.env.DATA_DIR = `${process.env.TMPDIR ?? "/tmp"}/pneumatic-unit-${process.pid}-${Date.now()}`;
});

afterAll(() => closeRepository());

const HOUR = 60 * 60 * 1000;

function uploadText(userId: string, text: string) {
  return storeUpload(userId, "note.txt", Readable.from([Buffer.from(text)]));
}

describe("the sweep of unattached uploads", () => {
  it("keeps an upload no message carries for a day", async () => {
    const { alice } = await createPair();
    const upload = await uploadText(alice, "fresh");
    await sweepUnattachedUploads(Date.now() + UNATTACHED_UPLOAD_TTL_MS - HOUR);
    (await openUpload(alice, upload.id, "file")).body.destroy();
  });

  it("deletes an upload no message carried within a day, row and bytes", async () => {
    const { alice } = await createPair();
    const upload = await uploadText(alice, "stale");
    expect(await sweepUnattachedUploads(Date.now() + UNATTACHED_UPLOAD_TTL_MS + HOUR)).toBeGreaterThanOrEqual(1);
    await expect(openUpload(alice, upload.id, "file")).rejects.toMatchObject({ code: "not_found" });
    expect(await getStorage().get(upload.id)).toBeNull();
  });

  it("never deletes an upload a message carries, however old", async () => {
    const { alice, conversationId } = await createPair();
    const upload = await uploadText(alice, "kept");
    await sendMessage(alice, { message_id: randomUUID(), conversation_id: conversationId, content: "", attachment_ids: [upload.id] }, null);
    await sweepUnattachedUploads(Date.now() + 30 * UNATTACHED_UPLOAD_TTL_MS);
    (await openUpload(alice, upload.id, "file")).body.destroy();
  });
});
