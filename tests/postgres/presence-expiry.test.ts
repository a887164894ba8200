import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// A short expiry, so that an instance killed without a word is found dead within seconds.
const PRESENCE_EXPIRY_MS = 3_000;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  a = await startServer({ env: { PRESENCE_EXPIRY_MS: String(PRESENCE_EXPIRY_MS) } });
  b = await startServer({ env: { DATABASE_URL: a.databaseUrl!, SECRET_KEY: a.env.SECRET_KEY!, PRESENCE_EXPIRY_MS: String(PRESENCE_EXPIRY_MS) } });
});
afterAll(() => a.stop());

describe("presence of a crashed instance's users", () => {
  it("ends once the instance stops saying it is alive: peers are told, and /users shows them offline", async () => {
    const [alice, bob] = await Promise.all([createUser(a.url), createUser(a.url)]);
    await createConversation(a.url, alice, [bob]);
    const aliceOnA = await TestSocket.open(a.url, { token: alice.token });
    await TestSocket.open(b.url, { token: bob.token });
    await aliceOnA.waitFor((frame) => frame.type === "presence" && frame.user_id === bob.id && frame.online === true);

    await b.kill();
    const offline = await aliceOnA.waitFor((frame) => frame.type === "presence" && frame.user_id === bob.id && frame.online === false, 4 * PRESENCE_EXPIRY_MS);
    expect(offline).toMatchObject({ last_seen_at: expect.any(String) });
    const users = await api<{ users: { id: string; online: boolean; last_seen_at: string | null }[] }>(a.url, "GET", "/users", { token: alice.token });
    expect(users.body.users.find((user) => user.id === bob.id)).toMatchObject({ online: false, last_seen_at: expect.any(String) });
    await aliceOnA.close();
  });
});
