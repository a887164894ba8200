import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { eventually } from "../support/wait";
import { TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

interface Person {
  id: string;
  online: boolean;
  last_seen_at: string | null;
}

async function seenBy(viewer: TestUser, user: TestUser): Promise<Person> {
  const response = await api<{ users: Person[] }>(server.url, "GET", "/users", { token: viewer.token });
  return response.body.users.find((person) => person.id === user.id)!;
}

function connect(user: TestUser): Promise<TestSocket> {
  return TestSocket.open(server.url, { token: user.token });
}

function presenceOf(socket: TestSocket, user: TestUser) {
  return socket.frames.filter((frame) => frame.type === "presence" && frame.user_id === user.id);
}

describe("presence", () => {
  it("shows someone who never connected as offline, never seen", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    expect(await seenBy(alice, bob)).toMatchObject({ online: false, last_seen_at: null });
  });

  it("shows someone online while a connection of theirs is open, and last seen once it closes", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const socket = await connect(bob);
    await eventually(async () => (await seenBy(alice, bob)).online, () => "bob never showed online");
    await socket.close();
    await eventually(async () => !(await seenBy(alice, bob)).online, () => "bob stayed online");
    expect(Date.parse((await seenBy(alice, bob)).last_seen_at!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("gives conversation members the same presence", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const socket = await connect(bob);
    await eventually(async () => (await seenBy(alice, bob)).online, () => "bob never showed online");
    const listed = await api<{ conversations: { id: string; members: Person[] }[] }>(server.url, "GET", "/conversations", { token: alice.token });
    const members = listed.body.conversations.find((conversation) => conversation.id === conversationId)!.members;
    expect(members.find((member) => member.id === bob.id)).toMatchObject({ online: true });
    await socket.close();
  });

  it("tells people who share a conversation when someone comes online and when their last connection closes", async () => {
    const [alice, bob, stranger] = await Promise.all([createUser(server.url), createUser(server.url), createUser(server.url)]);
    await createConversation(server.url, alice, [bob]);
    const [aliceSocket, strangerSocket] = await Promise.all([connect(alice), connect(stranger)]);
    const laptop = await connect(bob);
    const online = await aliceSocket.waitFor((frame) => frame.type === "presence" && frame.user_id === bob.id);
    expect(online).toMatchObject({ type: "presence", user_id: bob.id, online: true, last_seen_at: expect.any(String) });

    const phone = await connect(bob);
    await phone.close();
    await laptop.close();
    await aliceSocket.waitFor((frame) => frame.type === "presence" && frame.user_id === bob.id && frame.online === false);
    expect(presenceOf(aliceSocket, bob).map((frame) => frame.online)).toEqual([true, false]);
    expect(presenceOf(strangerSocket, bob)).toEqual([]);
    await Promise.all([aliceSocket.close(), strangerSocket.close()]);
  });
});
