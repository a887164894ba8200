import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// Two instances of the real server on one PostgreSQL database, as behind a load balancer.
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  a = await startServer();
  b = await startServer({ env: { DATABASE_URL: a.databaseUrl!, SECRET_KEY: a.env.SECRET_KEY! } });
});
afterAll(() => Promise.all([a.stop(), b.stop()]));

describe("revoking a session on one instance", () => {
  it("closes its socket on the other instance with 4001", async () => {
    const user = await createUser(a.url);
    const socket = await TestSocket.open(b.url, { token: user.token });
    expect(await socket.request({ type: "ping" }, ["pong"])).toEqual({ type: "pong" });
    expect((await api(a.url, "POST", "/auth/logout", { token: user.token })).status).toBe(204);
    expect(await socket.waitForClose()).toEqual({ code: 4001, reason: "session revoked" });
  });

  it("refuses the session's next message on the other instance as soon as the logout is answered", async () => {
    const [user, other] = await Promise.all([createUser(a.url), createUser(a.url)]);
    const conversationId = await createConversation(a.url, user, [other]);
    expect((await postMessage(b.url, user, conversationId, "before")).status).toBe(201);
    expect((await api(a.url, "POST", "/auth/logout", { token: user.token })).status).toBe(204);

    expect((await postMessage(b.url, user, conversationId, "after")).status).toBe(401);
  });

  it("closes the other sessions' sockets on every instance after a password change", async () => {
    const user = await createUser(a.url);
    const other = await api<{ access_token: string }>(b.url, "POST", "/auth/login", { json: { username: user.username, password: user.password } });
    const [onA, onB] = await Promise.all([
      TestSocket.open(a.url, { token: other.body.access_token }),
      TestSocket.open(b.url, { token: other.body.access_token }),
    ]);
    await api(a.url, "POST", "/auth/password", { token: user.token, json: { current_password: user.password, new_password: "a brand new password" } });
    expect(await onA.waitForClose()).toEqual({ code: 4001, reason: "session revoked" });
    expect(await onB.waitForClose()).toEqual({ code: 4001, reason: "session revoked" });
  });
});
