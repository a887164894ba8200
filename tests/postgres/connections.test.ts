import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// The README's sizing rule: an instance holds at most DATABASE_POOL_MAX connections for
// queries and one more for LISTEN, whatever it serves.
const POOL_MAX = 2;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { DATABASE_POOL_MAX: String(POOL_MAX) } });
});
afterAll(() => server.stop());

/** The instance's connections to its database, counted from a connection of the test's own. */
async function instanceConnections(): Promise<number> {
  const sql = postgres(server.databaseUrl!, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<{ count: number }[]>`select count(*)::int as count from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    return row!.count;
  } finally {
    await sql.end();
  }
}

describe("the connections an instance holds", () => {
  it("are the pool's and one for LISTEN, no more, with requests, a WebSocket and an event stream open", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url), createUser(server.url)]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const socket = await TestSocket.open(server.url, { token: bob.token });
    const stream = await fetch(`${server.url}/events`, { headers: { authorization: `Bearer ${alice.token}` } });
    try {
      expect(stream.status).toBe(200);
      const sent = await Promise.all(Array.from({ length: 20 }, (_, index) => postMessage(server.url, alice, conversationId, `message ${index}`)));
      expect(sent.map((response) => response.status)).toEqual(Array(20).fill(201));
      // Reads of different kinds at once take every connection the pool may open.
      const read = await Promise.all(Array.from({ length: 20 }, (_, index) => api(server.url, "GET", index % 2 ? "/conversations" : `/conversations/${conversationId}/messages`, { token: alice.token })));
      expect(read.map((response) => response.status)).toEqual(Array(20).fill(200));
      await Promise.all([socket.waitForMessages(20), api(server.url, "POST", "/auth/logout", { token: bob.token })]);
      expect(await instanceConnections()).toBe(POOL_MAX + 1);
    } finally {
      await stream.body?.cancel();
      await socket.close();
    }
  });
});
