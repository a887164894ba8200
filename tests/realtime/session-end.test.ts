import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { webLogIn } from "../support/web-session";
import { TestSocket } from "../support/ws";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

function sessionOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
}

describe("sockets of a session that ends", () => {
  it("are closed with 4001 'session revoked' when the session logs out", async () => {
    const user = await createUser(server.url);
    const socket = await TestSocket.open(server.url, { token: user.token });
    await api(server.url, "POST", "/auth/logout", { token: user.token });
    expect(await socket.waitForClose()).toEqual({ code: 4001, reason: "session revoked" });
  });

  it("are closed with 4001 when a password change ends their session, and the changer's stay open", async () => {
    const user = await createUser(server.url);
    const other = await api<{ access_token: string }>(server.url, "POST", "/auth/login", {
      json: { username: user.username, password: user.password },
    });
    const [mine, theirs] = await Promise.all([
      TestSocket.open(server.url, { token: user.token }),
      TestSocket.open(server.url, { token: other.body.access_token }),
    ]);
    await api(server.url, "POST", "/auth/password", {
      token: user.token,
      json: { current_password: user.password, new_password: "a brand new password" },
    });
    expect(await theirs.waitForClose()).toEqual({ code: 4001, reason: "session revoked" });
    expect(await mine.request({ type: "ping" }, ["pong"])).toEqual({ type: "pong" });
    await mine.close();
  });

  it("is closed with 4001 'token expired' when its access token expires", async () => {
    const user = await createUser(server.url);
    const socket = await TestSocket.open(server.url, { token: await expiringToken(user.id, sessionOf(user.token)) });
    expect(await socket.waitForClose(5_000)).toEqual({ code: 4001, reason: "token expired" });
  });

  it("refuses the upgrade of a revoked session's token", async () => {
    const user = await createUser(server.url);
    await api(server.url, "POST", "/auth/logout", { token: user.token });
    expect(await TestSocket.refusal(server.url, { token: user.token })).toBe(401);
  });

  it("closes a web session's socket and refuses its copied cookie once it logs out", async () => {
    const user = await createUser(server.url);
    const { cookie } = await webLogIn(server.url, user.username, user.password);
    const headers = { cookie: cookie!, origin: server.url };
    const socket = await TestSocket.open(server.url, { headers });
    const csrf = (await (await fetch(`${server.url}/api/auth/csrf`, { headers })).json()) as { csrfToken: string };
    const signOut = await fetch(`${server.url}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, json: "true" }),
    });
    expect(signOut.status).toBe(200);
    expect(await socket.waitForClose()).toEqual({ code: 4001, reason: "session revoked" });
    const session = await fetch(`${server.url}/api/auth/session`, { headers: { cookie: cookie! } });
    expect(await session.json()).toEqual({});
    expect(await TestSocket.refusal(server.url, { headers })).toBe(401);
  });
});

/** An access token of the session that expires in two seconds. */
async function expiringToken(userId: string, sessionId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ type: "access", sid: sessionId })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 2)
    .sign(new TextEncoder().encode(server.env.SECRET_KEY));
}
