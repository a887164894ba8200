import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AttachmentDto, MessageDto } from "@/lib/chat/present";

import { api, createConversation, createUser, type TestUser } from "../support/api";
import { startS3, type TestS3 } from "../support/s3";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const MB = 1024 * 1024;

function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#3366ff" } }).png().toBuffer();
}

async function upload(base: string, user: TestUser, name: string, bytes: Buffer | string) {
  const form = new FormData();
  form.append("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)]), name);
  const response = await fetch(`${base}/uploads`, { method: "POST", headers: { authorization: `Bearer ${user.token}` }, body: form });
  return { status: response.status, body: (await response.json()) as AttachmentDto & { detail?: string } };
}

async function download(base: string, user: TestUser, url: string) {
  const response = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

function send(base: string, user: TestUser, conversationId: string, attachmentIds: string[], content = "") {
  return api<MessageDto>(base, "POST", "/messages", {
    token: user.token,
    json: { message_id: randomUUID(), conversation_id: conversationId, content, attachment_ids: attachmentIds },
  });
}

async function trio() {
  const [alice, bob, carol] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
  const conversationId = await createConversation(server.url, alice, [bob, carol], "files");
  return { alice, bob, carol, conversationId };
}

describe("uploading", () => {
  it("stores an image with its sniffed type and dimensions, and a thumbnail", async () => {
    const alice = await createUser(server.url);
    const response = await upload(server.url, alice, "photo.png", await png(640, 480));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name: "photo.png", content_type: "image/png", width: 640, height: 480, url: `/uploads/${response.body.id}` });
    const thumbnail = await download(server.url, alice, response.body.thumbnail_url!);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toBe("image/webp");
    expect(await sharp(thumbnail.bytes).metadata()).toMatchObject({ width: 320, height: 240 });
  });

  it("keeps a file name in any script as the browser sends it, and serves it under that name", async () => {
    const alice = await createUser(server.url);
    const uploaded = await upload(server.url, alice, "résumé 履歴書.png", await png(8, 8));
    expect(uploaded.body.name).toBe("résumé 履歴書.png");
    const served = await download(server.url, alice, uploaded.body.url);
    expect(served.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent("résumé 履歴書.png")}`);
  });

  it("types a file by its bytes, not by its name", async () => {
    const alice = await createUser(server.url);
    const response = await upload(server.url, alice, "report.txt", await png(8, 8));
    expect(response.body.content_type).toBe("image/png");
  });

  it("refuses a .png that is really HTML with 415", async () => {
    const alice = await createUser(server.url);
    const response = await upload(server.url, alice, "cat.png", "<html><script>alert(document.cookie)</script></html>");
    expect(response.status).toBe(415);
  });

  it("refuses a type outside the allow-list with 415", async () => {
    const alice = await createUser(server.url);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect((await upload(server.url, alice, "logo.svg", svg)).status).toBe(415);
    expect((await upload(server.url, alice, "tool.exe", Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0, 0, 0]))).status).toBe(415);
  });

  it("refuses a file over 25 MB with 413", async () => {
    const alice = await createUser(server.url);
    const response = await upload(server.url, alice, "huge.txt", Buffer.alloc(25 * MB + 1, 0x61));
    expect(response.status).toBe(413);
  });

  it("leaves no scratch file behind when the client abandons an upload midway", async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), "pneumatic-scratch-"));
    const own = await startServer({ env: { TMPDIR: scratch } });
    try {
      const alice = await createUser(own.url);
      const boundary = "abandoned-upload";
      const socket = connect(own.port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(
        `POST /uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${alice.token}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${MB}\r\n\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      );
      socket.write("a".repeat(64 * 1024));
      const started = () => readdirSync(scratch).some((name) => name.startsWith("pneumatic-upload-"));
      await expect.poll(started).toBe(true);
      socket.destroy();
      await expect.poll(started).toBe(false);
    } finally {
      await own.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("accepts a file of exactly 25 MB", async () => {
    const alice = await createUser(server.url);
    const response = await upload(server.url, alice, "big.txt", Buffer.alloc(25 * MB, 0x61));
    expect(response.status).toBe(201);
    expect(response.body.size).toBe(25 * MB);
  });

  it("answers 422 without a file field and 400 for a body that is not multipart", async () => {
    const alice = await createUser(server.url);
    const form = new FormData();
    form.append("other", "value");
    const missing = await fetch(`${server.url}/uploads`, { method: "POST", headers: { authorization: `Bearer ${alice.token}` }, body: form });
    expect(missing.status).toBe(422);
    expect((await api(server.url, "POST", "/uploads", { token: alice.token, json: { file: "x" } })).status).toBe(400);
  });

  it("requires authentication", async () => {
    const form = new FormData();
    form.append("file", new Blob(["hello"]), "a.txt");
    expect((await fetch(`${server.url}/uploads`, { method: "POST", body: form })).status).toBe(401);
  });
});

describe("serving uploads", () => {
  it("serves text inert: its sniffed type, nosniff, a sandboxing CSP and as a download", async () => {
    const alice = await createUser(server.url);
    const uploaded = await upload(server.url, alice, "page.txt", "<html><script>alert(1)</script></html>");
    const served = await download(server.url, alice, uploaded.body.url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(served.headers.get("content-disposition")).toMatch(/^attachment; filename="page.txt"/);
  });

  it("serves an upload no message carries to its uploader alone", async () => {
    const { alice, bob } = await trio();
    const uploaded = await upload(server.url, alice, "draft.txt", "draft");
    expect((await download(server.url, alice, uploaded.body.url)).bytes.toString()).toBe("draft");
    expect((await download(server.url, bob, uploaded.body.url)).status).toBe(404);
  });

  it("serves an attached upload to the conversation's members and to nobody else", async () => {
    const { alice, bob, conversationId } = await trio();
    const outsider = await createUser(server.url);
    const uploaded = await upload(server.url, alice, "notes.txt", "shared notes");
    await send(server.url, alice, conversationId, [uploaded.body.id]);
    expect((await download(server.url, bob, uploaded.body.url)).bytes.toString()).toBe("shared notes");
    expect((await download(server.url, outsider, uploaded.body.url)).status).toBe(404);
  });

  it("stops serving an attached upload to a member once removed", async () => {
    const { alice, carol, conversationId } = await trio();
    const uploaded = await upload(server.url, alice, "plan.txt", "the plan");
    await send(server.url, alice, conversationId, [uploaded.body.id]);
    await api(server.url, "DELETE", `/conversations/${conversationId}/members/${carol.id}`, { token: alice.token });
    expect((await download(server.url, carol, uploaded.body.url)).status).toBe(404);
  });

  it("answers 404 for an unknown upload", async () => {
    const alice = await createUser(server.url);
    expect((await download(server.url, alice, "/uploads/no-such-upload")).status).toBe(404);
  });
});

describe("messages with attachments", () => {
  it("carries the sender's uploads, in order, and may have no text", async () => {
    const { alice, conversationId } = await trio();
    const first = await upload(server.url, alice, "one.txt", "1");
    const second = await upload(server.url, alice, "two.png", await png(10, 20));
    const response = await send(server.url, alice, conversationId, [second.body.id, first.body.id]);
    expect(response.status).toBe(201);
    expect(response.body.content).toBe("");
    expect(response.body.attachments).toEqual([second.body, first.body]);
  });

  it("reaches members live and in history with its attachments", async () => {
    const { alice, bob, conversationId } = await trio();
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const uploaded = await upload(server.url, alice, "a.txt", "a");
    await send(server.url, alice, conversationId, [uploaded.body.id], "see attached");
    const [live] = await socket.waitForMessages(1, conversationId);
    expect(live!.attachments).toEqual([uploaded.body]);
    const history = await api<{ messages: MessageDto[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.messages[0]!.attachments).toEqual([uploaded.body]);
    await socket.close();
  });

  it("takes attachment_ids over the WebSocket too", async () => {
    const { alice, conversationId } = await trio();
    const socket = await TestSocket.open(server.url, { token: alice.token });
    const uploaded = await upload(server.url, alice, "ws.txt", "ws");
    socket.send({ type: "message", message_id: randomUUID(), conversation_id: conversationId, content: "", attachment_ids: [uploaded.body.id] });
    const [message] = await socket.waitForMessages(1, conversationId);
    expect(message!.attachments.map((attachment) => attachment.id)).toEqual([uploaded.body.id]);
    await socket.close();
  });

  it("refuses someone else's upload with 422 and stores nothing", async () => {
    const { alice, bob, conversationId } = await trio();
    const uploaded = await upload(server.url, bob, "bobs.txt", "bob's");
    expect((await send(server.url, alice, conversationId, [uploaded.body.id], "mine now")).status).toBe(422);
    const history = await api<{ messages: MessageDto[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: alice.token });
    expect(history.body.messages).toEqual([]);
  });

  it("refuses an upload another message already carries with 422", async () => {
    const { alice, conversationId } = await trio();
    const uploaded = await upload(server.url, alice, "once.txt", "once");
    expect((await send(server.url, alice, conversationId, [uploaded.body.id])).status).toBe(201);
    expect((await send(server.url, alice, conversationId, [uploaded.body.id])).status).toBe(422);
  });

  it("refuses a message with neither text nor files with 422", async () => {
    const { alice, conversationId } = await trio();
    expect((await send(server.url, alice, conversationId, [], "  ")).status).toBe(422);
  });

  it("lets an edit empty the text of a message that carries files, and of no other", async () => {
    const { alice, conversationId } = await trio();
    const uploaded = await upload(server.url, alice, "kept.txt", "kept");
    const withFile = await send(server.url, alice, conversationId, [uploaded.body.id], "caption");
    const textOnly = await send(server.url, alice, conversationId, [], "words");
    const emptied = await api<MessageDto>(server.url, "PATCH", `/messages/${withFile.body.id}`, { token: alice.token, json: { content: "" } });
    expect([emptied.status, emptied.body.content, emptied.body.attachments.length]).toEqual([200, "", 1]);
    expect((await api(server.url, "PATCH", `/messages/${textOnly.body.id}`, { token: alice.token, json: { content: " " } })).status).toBe(422);
  });

  it("drops a deleted message's files: the tombstone carries none and members can no longer fetch them", async () => {
    const { alice, bob, conversationId } = await trio();
    const uploaded = await upload(server.url, alice, "gone.txt", "gone");
    const sent = await send(server.url, alice, conversationId, [uploaded.body.id], "look");
    expect((await download(server.url, bob, uploaded.body.url)).status).toBe(200);
    const tombstone = await api<MessageDto>(server.url, "DELETE", `/messages/${sent.body.id}`, { token: alice.token });
    expect(tombstone.body).toMatchObject({ deleted: true, attachments: [] });
    expect((await download(server.url, bob, uploaded.body.url)).status).toBe(404);
    const history = await api<{ messages: MessageDto[] }>(server.url, "GET", `/conversations/${conversationId}/messages`, { token: bob.token });
    expect(history.body.messages[0]!.attachments).toEqual([]);
  });
});

describe("uploads in an S3-compatible bucket", () => {
  let s3: TestS3;
  let s3Server: TestServer;

  beforeAll(async () => {
    s3 = await startS3();
    s3Server = await startServer({ env: s3.env });
  });
  afterAll(async () => {
    await s3Server.stop();
    await s3.stop();
  });

  it("stores, thumbnails and serves an attached image through the bucket", async () => {
    const [alice, bob] = await Promise.all([createUser(s3Server.url), createUser(s3Server.url)]);
    const conversationId = await createConversation(s3Server.url, alice, [bob]);
    const image = await png(100, 50);
    const uploaded = await upload(s3Server.url, alice, "s3.png", image);
    expect(uploaded.status).toBe(201);
    await send(s3Server.url, alice, conversationId, [uploaded.body.id]);
    expect((await download(s3Server.url, bob, uploaded.body.url)).bytes.equals(image)).toBe(true);
    expect((await download(s3Server.url, bob, uploaded.body.thumbnail_url!)).status).toBe(200);
  });
});
