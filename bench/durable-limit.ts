/**
 * The durable limit of this stack: the least a chat server on the same parts can do per
 * message with the product's durability, for `bench/hot-paths.ts` to compare against. `ws` and
 * better-sqlite3 (WAL, synchronous=NORMAL, prepared statements), the message and its
 * conversation's next seq in one immediate transaction, the product's frame and message
 * shapes. No validation, auth (the bearer token is the user id), limits, logs or metrics.
 *
 * Run as `node <compiled file>` with PORT, HOST and DATA_DIR; logs `{"msg":"listening","port":N}`.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import Database from "better-sqlite3";
import { WebSocket, WebSocketServer } from "ws";

const db = new Database(path.join(process.env.DATA_DIR ?? ".", "limit.db"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(`create table if not exists conversations (id text primary key, last_seq integer not null default 0);
create table if not exists members (conversation_id text not null, user_id text not null, primary key (conversation_id, user_id));
create table if not exists messages (id text primary key, message_id text not null, sender_id text not null, conversation_id text not null,
  content text not null, created_at text not null, seq integer not null, unique (sender_id, message_id), unique (conversation_id, seq));`);

const insertConversation = db.prepare("insert into conversations (id) values (?)");
const insertMember = db.prepare("insert into members (conversation_id, user_id) values (?, ?)");
const isMember = db.prepare("select 1 from members where conversation_id = ? and user_id = ?").pluck();
const memberIds = db.prepare("select user_id from members where conversation_id = ?").pluck();
const nextSeq = db.prepare("update conversations set last_seq = last_seq + 1 where id = ? returning last_seq").pluck();
const insertMessage = db.prepare("insert into messages values (@id, @message_id, @sender_id, @conversation_id, @content, @created_at, @seq)");
const page = db.prepare("select * from messages where conversation_id = ? order by seq desc limit ?");

interface Message { id: string; message_id: string; sender_id: string; conversation_id: string; content: string; created_at: string; seq: number }
const present = (row: Message) => ({ ...row, edited_at: null, deleted: false, reactions: [], reply_to: null, mentions: [] });

const createConversation = db.transaction((members: string[]) => {
  const id = randomUUID();
  insertConversation.run(id);
  for (const userId of members) insertMember.run(id, userId);
  return id;
});
const store = db.transaction((senderId: string, input: { message_id: string; conversation_id: string; content: string }) => {
  if (!isMember.get(input.conversation_id, senderId)) return null;
  const seq = nextSeq.get(input.conversation_id) as number;
  const row: Message = { id: randomUUID(), sender_id: senderId, created_at: new Date().toISOString(), seq, ...input };
  insertMessage.run(row);
  return { message: present(row), members: memberIds.all(input.conversation_id) as string[] };
});

const sockets = new Map<string, Set<WebSocket>>();
function send(senderId: string, input: { message_id: string; conversation_id: string; content: string }) {
  const stored = store.immediate(senderId, input);
  if (!stored) return null;
  const frame = JSON.stringify({ type: "message", message: stored.message });
  for (const userId of stored.members) for (const socket of sockets.get(userId) ?? []) socket.send(frame);
  return stored.message;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", "http://limit");
  const userId = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
  if (url.pathname === "/health") return reply(response, 200, { status: "healthy" });
  let text = "";
  for await (const chunk of request) text += String(chunk);
  const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  if (request.method === "POST" && url.pathname === "/conversations") {
    return reply(response, 201, { id: createConversation([userId, ...(body.member_ids as string[])]) });
  }
  if (request.method === "POST" && url.pathname === "/messages") {
    const message = send(userId, body as { message_id: string; conversation_id: string; content: string });
    return message ? reply(response, 201, message) : reply(response, 404, { detail: "Conversation not found" });
  }
  const history = /^\/conversations\/([^/]+)\/messages$/.exec(url.pathname);
  if (request.method === "GET" && history) {
    if (!isMember.get(history[1], userId)) return reply(response, 404, { detail: "Conversation not found" });
    const rows = (page.all(history[1], Number(url.searchParams.get("limit") ?? 50)) as Message[]).reverse();
    return reply(response, 200, { messages: rows.map(present) });
  }
  reply(response, 404, { detail: "Not found" });
}

const server = createServer((request, response) => void handle(request, response).catch(() => reply(response, 400, { detail: "Bad request" })));
const wss = new WebSocketServer({ server, path: "/ws" });
wss.on("connection", (socket, request) => {
  const userId = new URL(request.url ?? "/", "http://limit").searchParams.get("token") ?? "";
  const own = sockets.get(userId) ?? new Set<WebSocket>();
  sockets.set(userId, own.add(socket));
  socket.on("close", () => own.delete(socket));
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { type: string; message_id: string; conversation_id: string; content: string };
    if (frame.type !== "message" || !send(userId, frame)) socket.send(JSON.stringify({ type: "error", reason: "refused" }));
  });
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  console.log(JSON.stringify({ msg: "listening", port: (server.address() as AddressInfo).port }));
});
process.once("SIGTERM", () => {
  for (const socket of wss.clients) socket.terminate();
  server.close(() => process.exit(0));
});
