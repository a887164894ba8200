import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createUser } from "../support/api";
import { countRows } from "../support/rows";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

async function logIn(username: string, password: string) {
  const response = await api<{ access_token: string; refresh_token: string }>(server.url, "POST", "/auth/login", {
    json: { username, password },
  });
  expect(response.status).toBe(200);
  return response.body;
}

const me = (token: string) => api(server.url, "GET", "/auth/me", { token });
const refresh = (refreshToken: string) =>
  api<{ access_token: string; refresh_token: string }>(server.url, "POST", "/auth/refresh", { json: { refresh_token: refreshToken } });

describe("sessions", () => {
  it("puts the session id in both tokens", async () => {
    const user = await createUser(server.url);
    const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid?: string };
    expect(claims(user.token).sid).toEqual(expect.any(String));
    expect(claims(user.token).sid).toBe(claims(user.refreshToken).sid);
  });

  it("ends the session on logout: its access token is refused and the answer is 204", async () => {
    const user = await createUser(server.url);
    const response = await api(server.url, "POST", "/auth/logout", { token: user.token });
    expect(response.status).toBe(204);
    expect((await me(user.token)).status).toBe(401);
  });

  it("revokes the session's refresh token on logout", async () => {
    const user = await createUser(server.url);
    await api(server.url, "POST", "/auth/logout", { token: user.token, json: { refresh_token: user.refreshToken } });
    expect((await refresh(user.refreshToken)).status).toBe(401);
  });

  it("leaves the user's other sessions alone on logout", async () => {
    const user = await createUser(server.url);
    const other = await logIn(user.username, user.password);
    await api(server.url, "POST", "/auth/logout", { token: user.token });
    expect((await me(other.access_token)).status).toBe(200);
  });

  it("answers logout without a token with 401", async () => {
    expect((await api(server.url, "POST", "/auth/logout")).status).toBe(401);
  });

  it("rotates refresh tokens: each works once and the new pair works", async () => {
    const user = await createUser(server.url);
    const renewed = await refresh(user.refreshToken);
    expect(renewed.status).toBe(200);
    expect((await me(renewed.body.access_token)).status).toBe(200);
    expect((await refresh(renewed.body.refresh_token)).status).toBe(200);
  });

  it("revokes the whole session when a used refresh token comes back", async () => {
    const user = await createUser(server.url);
    const renewed = await refresh(user.refreshToken);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await me(renewed.body.access_token)).status).toBe(401);
    expect((await refresh(renewed.body.refresh_token)).status).toBe(401);
  });
});

describe("the sessions table", () => {
  it("forgets a user's ended sessions when they log in again", async () => {
    const user = await createUser(server.url);
    const [second, third] = [await logIn(user.username, user.password), await logIn(user.username, user.password)];
    await api(server.url, "POST", "/auth/logout", { token: second.access_token });
    await api(server.url, "POST", "/auth/logout", { token: third.access_token });
    expect(await countRows(server, "sessions", { column: "user_id", value: user.id })).toBe(3);
    await logIn(user.username, user.password);
    expect(await countRows(server, "sessions", { column: "user_id", value: user.id })).toBe(2);
  });
});

describe("password change", () => {
  it("answers 204, keeps the caller's session and ends every other one", async () => {
    const user = await createUser(server.url);
    const other = await logIn(user.username, user.password);
    const response = await api(server.url, "POST", "/auth/password", {
      token: user.token,
      json: { current_password: user.password, new_password: "a brand new password" },
    });
    expect(response.status).toBe(204);
    expect((await me(user.token)).status).toBe(200);
    expect((await me(other.access_token)).status).toBe(401);
    expect((await refresh(other.refresh_token)).status).toBe(401);
  });

  it("makes the new password the one that logs in", async () => {
    const user = await createUser(server.url);
    await api(server.url, "POST", "/auth/password", {
      token: user.token,
      json: { current_password: user.password, new_password: "another new password" },
    });
    const old = await api(server.url, "POST", "/auth/login", { json: { username: user.username, password: user.password } });
    expect(old.status).toBe(401);
    await logIn(user.username, "another new password");
  });

  it("refuses a wrong current password with 403 and changes nothing", async () => {
    const user = await createUser(server.url);
    const other = await logIn(user.username, user.password);
    const response = await api(server.url, "POST", "/auth/password", {
      token: user.token,
      json: { current_password: "not my password", new_password: "a brand new password" },
    });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: expect.any(String) });
    expect((await me(other.access_token)).status).toBe(200);
    await logIn(user.username, user.password);
  });

  it("refuses a new password that is too short with 422", async () => {
    const user = await createUser(server.url);
    const response = await api(server.url, "POST", "/auth/password", {
      token: user.token,
      json: { current_password: user.password, new_password: "short" },
    });
    expect(response.status).toBe(422);
  });
});

describe("profile", () => {
  it("changes the full name and answers the user", async () => {
    const user = await createUser(server.url, "profile", "Old Name");
    const response = await api(server.url, "PATCH", "/auth/me", { token: user.token, json: { full_name: "  New Name " } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: user.id, username: user.username, full_name: "New Name" });
    expect((await me(user.token)).body.full_name).toBe("New Name");
  });

  it("clears the full name when given null", async () => {
    const user = await createUser(server.url, "profile", "Some Name");
    const response = await api(server.url, "PATCH", "/auth/me", { token: user.token, json: { full_name: null } });
    expect(response.body.full_name).toBeNull();
  });

  it("leaves the full name as it is when the body leaves it out", async () => {
    const user = await createUser(server.url, "profile", "Kept Name");
    const response = await api(server.url, "PATCH", "/auth/me", { token: user.token, json: {} });
    expect(response.status).toBe(200);
    expect(response.body.full_name).toBe("Kept Name");
    expect((await me(user.token)).body.full_name).toBe("Kept Name");
  });

  it("refuses a full name over 100 characters with 422", async () => {
    const user = await createUser(server.url);
    const response = await api(server.url, "PATCH", "/auth/me", { token: user.token, json: { full_name: "x".repeat(101) } });
    expect(response.status).toBe(422);
  });
});
