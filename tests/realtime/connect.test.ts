import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUser, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { webLogIn } from "../support/web-session";
import { TestSocket } from "../support/ws";

let server: TestServer;
let alice: TestUser;

beforeAll(async () => {
  server = await startServer({ env: { WS_ALLOWED_ORIGINS: "https://chat.example.com" } });
  alice = await createUser(server.url, "alice");
});
afterAll(() => server.stop());

describe("WebSocket authentication", () => {
  it("accepts an access token in the query string", async () => {
    const socket = await TestSocket.open(server.url, { token: alice.token });
    expect((await socket.request({ type: "ping" }, ["pong"])).type).toBe("pong");
    await socket.close();
  });

  it("accepts an access token in an Authorization header", async () => {
    const socket = await TestSocket.open(server.url, { headers: { authorization: `Bearer ${alice.token}` } });
    expect((await socket.request({ type: "ping" }, ["pong"])).type).toBe("pong");
    await socket.close();
  });

  it("accepts the web session cookie", async () => {
    const { cookie } = await webLogIn(server.url, alice.username, alice.password);
    const socket = await TestSocket.open(server.url, { headers: { cookie: cookie! } });
    expect((await socket.request({ type: "ping" }, ["pong"])).type).toBe("pong");
    await socket.close();
  });

  it("refuses a connection without credentials with 401", async () => {
    expect(await TestSocket.refusal(server.url)).toBe(401);
  });

  it("refuses a malformed token with 401", async () => {
    expect(await TestSocket.refusal(server.url, { token: "not-a-jwt" })).toBe(401);
  });

  it("refuses a refresh token with 401", async () => {
    expect(await TestSocket.refusal(server.url, { token: alice.refreshToken })).toBe(401);
  });

  it("refuses a session cookie that names no session with 401", async () => {
    const sessionless = await encode({ token: { sub: alice.id }, secret: server.env.SECRET_KEY! });
    expect(await TestSocket.refusal(server.url, { headers: { cookie: `next-auth.session-token=${sessionless}` } })).toBe(401);
  });

  it("refuses a session cookie signed with another secret with 401", async () => {
    const forged = await encode({ token: { sub: alice.id }, secret: "a different secret that is long enough" });
    expect(await TestSocket.refusal(server.url, { headers: { cookie: `next-auth.session-token=${forged}` } })).toBe(401);
  });
});

describe("WebSocket origin check", () => {
  it("refuses a browser connection from a foreign origin with 403", async () => {
    const status = await TestSocket.refusal(server.url, { token: alice.token, headers: { origin: "https://evil.example" } });
    expect(status).toBe(403);
  });

  it("accepts the server's own origin", async () => {
    const socket = await TestSocket.open(server.url, { token: alice.token, headers: { origin: server.url } });
    await socket.close();
  });

  it("accepts an origin allowed by WS_ALLOWED_ORIGINS", async () => {
    const socket = await TestSocket.open(server.url, { token: alice.token, headers: { origin: "https://chat.example.com" } });
    await socket.close();
  });
});
