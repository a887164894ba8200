import { randomBytes } from "node:crypto";

import { inject, describe, expect, it } from "vitest";

import { api } from "../support/api";
import { createDatabase } from "../support/postgres";
import { startServer } from "../support/server";

describe("start-up on PostgreSQL", () => {
  it("migrates an empty database on first start and keeps data across restarts", async () => {
    const first = await startServer();
    const signup = await api(first.url, "POST", "/auth/signup", { json: { username: "persistent", password: "a long password" } });
    expect(signup.status).toBe(201);
    await first.stop();

    const second = await startServer({ env: { DATABASE_URL: first.databaseUrl!, SECRET_KEY: first.env.SECRET_KEY! } });
    const login = await api(second.url, "POST", "/auth/login", { json: { username: "persistent", password: "a long password" } });
    expect(login.status).toBe(200);
    await second.stop();
  });

  it("lets two instances start on one empty database at the same time", async () => {
    const env = { DATABASE_URL: await createDatabase(inject("postgresAdminUrl")), SECRET_KEY: randomBytes(32).toString("hex") };
    const instances = await Promise.all([startServer({ env }), startServer({ env })]);
    try {
      const [first, second] = instances;
      expect((await api(first!.url, "POST", "/auth/signup", { json: { username: "twin", password: "a long password" } })).status).toBe(201);
      expect((await api(second!.url, "POST", "/auth/login", { json: { username: "twin", password: "a long password" } })).status).toBe(200);
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()));
    }
  });
});
