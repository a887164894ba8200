import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser, uniqueName } from "../support/api";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe("POST /auth/signup", () => {
  it("creates a user and returns its public fields only", async () => {
    const username = uniqueName("Signup");
    const response = await api(server.url, "POST", "/auth/signup", {
      json: { username, password: "a long password", full_name: "  Ada Lovelace  " },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), username, full_name: "Ada Lovelace" });
  });

  it("stores a missing full name as null", async () => {
    const response = await api(server.url, "POST", "/auth/signup", {
      json: { username: uniqueName(), password: "a long password" },
    });
    expect(response.status).toBe(201);
    expect(response.body.full_name).toBeNull();
  });

  it("refuses a username that differs from a taken one only by case", async () => {
    const username = uniqueName("taken");
    await api(server.url, "POST", "/auth/signup", { json: { username, password: "a long password" } });
    const again = await api(server.url, "POST", "/auth/signup", {
      json: { username: username.toUpperCase(), password: "another password" },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ detail: "Username already registered" });
  });

  it("lets exactly one of many simultaneous sign-ups with one name succeed", async () => {
    const username = uniqueName("race");
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api(server.url, "POST", "/auth/signup", { json: { username, password: "a long password" } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
  });

  it.each([
    ["too short", "ab"],
    ["too long", "a".repeat(33)],
    ["with a space", "bad name"],
    ["with a slash", "bad/name"],
  ])("rejects a username %s with 422", async (_case, username) => {
    const response = await api(server.url, "POST", "/auth/signup", { json: { username, password: "a long password" } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/^username: /);
  });

  it("rejects a password under 8 characters", async () => {
    const response = await api(server.url, "POST", "/auth/signup", { json: { username: uniqueName(), password: "short" } });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/^password: /);
  });

  it("rejects a full name over 100 characters", async () => {
    const response = await api(server.url, "POST", "/auth/signup", {
      json: { username: uniqueName(), password: "a long password", full_name: "x".repeat(101) },
    });
    expect(response.status).toBe(422);
  });
});

describe("POST /auth/login", () => {
  it("returns an HS256 access and refresh token pair with the standard claims", async () => {
    const user = await createUser(server.url);
    const response = await api<Record<string, string>>(server.url, "POST", "/auth/login", {
      json: { username: user.username, password: user.password },
    });
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe("bearer");
    for (const [field, type, ttl] of [
      ["access_token", "access", 30 * 60],
      ["refresh_token", "refresh", 7 * 24 * 60 * 60],
    ] as const) {
      const token = response.body[field]!;
      expect(decodeProtectedHeader(token).alg).toBe("HS256");
      const claims = decodeJwt(token);
      expect(claims).toMatchObject({ sub: user.id, type });
      expect(claims.jti).toEqual(expect.any(String));
      expect(claims.exp! - claims.iat!).toBe(ttl);
    }
  });

  it("accepts the username in any case", async () => {
    const user = await createUser(server.url);
    const response = await api(server.url, "POST", "/auth/login", {
      json: { username: user.username.toUpperCase(), password: user.password },
    });
    expect(response.status).toBe(200);
  });

  it("answers an unknown user and a wrong password identically", async () => {
    const user = await createUser(server.url);
    const wrongPassword = await api(server.url, "POST", "/auth/login", {
      json: { username: user.username, password: "not the password" },
    });
    const unknownUser = await api(server.url, "POST", "/auth/login", {
      json: { username: uniqueName("ghost"), password: "not the password" },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.body).toEqual(wrongPassword.body);
  });
});

describe("POST /auth/refresh", () => {
  it("exchanges a refresh token for a new working pair", async () => {
    const user = await createUser(server.url);
    const response = await api<Record<string, string>>(server.url, "POST", "/auth/refresh", {
      json: { refresh_token: user.refreshToken },
    });
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe("bearer");
    const me = await api(server.url, "GET", "/auth/me", { token: response.body.access_token });
    expect(me.body.id).toBe(user.id);
  });

  it("refuses an access token", async () => {
    const user = await createUser(server.url);
    const response = await api(server.url, "POST", "/auth/refresh", { json: { refresh_token: user.token } });
    expect(response.status).toBe(401);
  });

  it("refuses a malformed token", async () => {
    const response = await api(server.url, "POST", "/auth/refresh", { json: { refresh_token: "not.a.token" } });
    expect(response.status).toBe(401);
  });
});

describe("GET /auth/me", () => {
  it("returns the caller", async () => {
    const user = await createUser(server.url, "me", "Me Myself");
    const response = await api(server.url, "GET", "/auth/me", { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: user.id, username: user.username, full_name: "Me Myself" });
  });

  it("asks for a bearer token when none is given", async () => {
    const response = await api(server.url, "GET", "/auth/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("refuses a refresh token used as an access token", async () => {
    const user = await createUser(server.url);
    const response = await api(server.url, "GET", "/auth/me", { token: user.refreshToken });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("refuses an unsigned token", async () => {
    const user = await createUser(server.url);
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ sub: user.id, type: "access", jti: "x", iat: now, exp: now + 60 }),
    ).toString("base64url");
    const response = await api(server.url, "GET", "/auth/me", { token: `${header}.${payload}.` });
    expect(response.status).toBe(401);
  });

  it("refuses a token signed with another key", async () => {
    const user = await createUser(server.url);
    const forged = await new SignJWT({ type: "access" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(user.id)
      .setJti("forged")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("an entirely different secret of enough length"));
    const response = await api(server.url, "GET", "/auth/me", { token: forged });
    expect(response.status).toBe(401);
  });

  it("refuses an expired token", async () => {
    const user = await createUser(server.url);
    const expired = await new SignJWT({ type: "access" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(user.id)
      .setJti("expired")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1800)
      .sign(new TextEncoder().encode(server.env.SECRET_KEY));
    const response = await api(server.url, "GET", "/auth/me", { token: expired });
    expect(response.status).toBe(401);
  });
});
