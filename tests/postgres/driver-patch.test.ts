import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * postgres.js 3.4.9 schedules small writes with setImmediate and, when the connection dies in
 * between, writes to a null socket: an uncaught TypeError (porsager/postgres#1154, #1208).
 * patches/postgres+3.4.9.patch guards it; this is the upstream reproduction.
 */
describe("the PostgreSQL driver after its backend is killed", () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  beforeAll(() => process.on("uncaughtException", record));
  afterAll(() => process.off("uncaughtException", record));

  it("rejects queries on the dead connection instead of throwing an uncaught TypeError", async () => {
    const url = inject("postgresAdminUrl");
    const sql = postgres(url, { max: 2, onnotice: () => undefined });
    const killer = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const reserved = await sql.reserve();
      const [row] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await killer`select pg_terminate_backend(${row!.pid})`;
      await expect(reserved`select 1`).rejects.toThrow();
      // The next write on the dead connection is where the unpatched driver throws.
      reserved`select 1`.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
      reserved.release();
      expect(uncaught).toEqual([]);
    } finally {
      await Promise.all([sql.end({ timeout: 1 }), killer.end({ timeout: 1 })]);
    }
  });
});
