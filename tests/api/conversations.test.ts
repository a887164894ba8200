import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";

type Conversation = { id: string; title: string; is_group: boolean; member_ids: string[]; members: { id: string; username: string }[] };

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;

beforeAll(async () => {
  server = await startServer();
  [alice, bob, carol, dave] = await Promise.all([
    createUser(server.url, "alice"),
    createUser(server.url, "bob"),
    createUser(server.url, "carol"),
    createUser(server.url, "dave"),
  ]);
});
afterAll(() => server.stop());

const create = (owner: TestUser, json: unknown) => api<Conversation>(server.url, "POST", "/conversations", { token: owner.token, json });
const list = async (user: TestUser) =>
  (await api<{ conversations: Conversation[] }>(server.url, "GET", "/conversations", { token: user.token })).body.conversations;

describe("GET /users", () => {
  it("lists everyone but the caller with public fields", async () => {
    const response = await api<{ users: Record<string, unknown>[] }>(server.url, "GET", "/users", { token: alice.token });
    expect(response.status).toBe(200);
    const ids = response.body.users.map((user) => user.id);
    expect(ids).toEqual(expect.arrayContaining([bob.id, carol.id, dave.id]));
    expect(ids).not.toContain(alice.id);
    expect(Object.keys(response.body.users[0]!).sort()).toEqual(["full_name", "id", "last_seen_at", "online", "username"]);
  });

  it("requires authentication", async () => {
    expect((await api(server.url, "GET", "/users")).status).toBe(401);
  });
});

describe("POST /conversations", () => {
  it("creates a 1-on-1 with the caller added", async () => {
    const [x, y] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const response = await create(x, { member_ids: [y.id] });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ title: "", is_group: false });
    expect(response.body.member_ids.sort()).toEqual([x.id, y.id].sort());
    expect(response.body.members.map((m) => m.username).sort()).toEqual([x.username, y.username].sort());
  });

  it("returns the existing 1-on-1 when either person asks again", async () => {
    const [x, y] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const first = await create(x, { member_ids: [y.id] });
    const again = await create(x, { member_ids: [y.id, x.id] });
    const fromOtherSide = await create(y, { member_ids: [x.id] });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(fromOtherSide.body.id).toBe(first.body.id);
  });

  it("creates only one 1-on-1 when both people ask at the same time", async () => {
    const [x, y] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const results = await Promise.all([...Array(5)].flatMap(() => [create(x, { member_ids: [y.id] }), create(y, { member_ids: [x.id] })]));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it("creates a group of any size with its title", async () => {
    const response = await create(alice, { member_ids: [bob.id, carol.id, dave.id], title: "  Book club " });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ title: "Book club", is_group: true });
    expect(response.body.member_ids.sort()).toEqual([alice.id, bob.id, carol.id, dave.id].sort());
  });

  it("creates a two-person group when is_group is asked for", async () => {
    const response = await create(alice, { member_ids: [bob.id], title: "Project", is_group: true });
    expect(response.status).toBe(201);
    expect(response.body.is_group).toBe(true);
  });

  it("refuses a 1-on-1 asked for with more than one other member, and creates nothing", async () => {
    const user = await createUser(server.url);
    const response = await api<{ detail: string }>(server.url, "POST", "/conversations", { token: user.token, json: { member_ids: [bob.id, carol.id], is_group: false } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/is_group/);
    expect(await list(user)).toEqual([]);
  });

  it("refuses unknown member ids and creates nothing", async () => {
    const user = await createUser(server.url);
    const response = await create(user, { member_ids: [bob.id, randomUUID(), "not-even-a-uuid"] });
    expect(response.status).toBe(404);
    expect(response.body).toHaveProperty("detail");
    expect(await list(user)).toEqual([]);
  });

  it("refuses a conversation with nobody but the caller", async () => {
    expect((await create(alice, { member_ids: [alice.id] })).status).toBe(422);
    expect((await create(alice, { member_ids: [] })).status).toBe(422);
  });
});

describe("GET /conversations", () => {
  it("lists only the caller's conversations, with members", async () => {
    const [x, y, outsider] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const direct = await create(x, { member_ids: [y.id] });
    const group = await create(y, { member_ids: [x.id, carol.id], title: "Trio" });
    await create(outsider, { member_ids: [carol.id] });
    const conversations = await list(x);
    expect(conversations.map((c) => c.id).sort()).toEqual([direct.body.id, group.body.id].sort());
    expect(conversations.find((c) => c.id === group.body.id)).toMatchObject({ title: "Trio", is_group: true });
  });

  it("puts the conversation with the newest message first", async () => {
    const [x, y, z] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    const older = await create(x, { member_ids: [y.id] });
    await create(x, { member_ids: [z.id] });
    await api(server.url, "POST", "/messages", {
      token: x.token,
      json: { message_id: randomUUID(), conversation_id: older.body.id, content: "bump" },
    });
    const conversations = await list(x);
    expect(conversations[0]!.id).toBe(older.body.id);
    expect(conversations[0]).toMatchObject({ last_message: { content: "bump" } });
  });
});
