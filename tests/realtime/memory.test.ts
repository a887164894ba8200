import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUser } from "../support/api";
import { churnConnections, serverMemory } from "../support/churn";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe("memory", () => {
  it("returns near its baseline after rounds of 2000 WebSocket connections close", async () => {
    const user = await createUser(server.url);
    await churnConnections(server, user, 200);
    const baseline = await serverMemory(server);
    for (let round = 0; round < 3; round++) await churnConnections(server, user, 2000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await serverMemory(server);
    // A leak of the size once seen (about 90 KiB a connection) would add over 500 MiB here.
    expect(after.rssMiB - baseline.rssMiB).toBeLessThan(120);
  }, 180_000);
});
