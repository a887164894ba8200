import path from "node:path";

import Database from "better-sqlite3";
import postgres from "postgres";

import type { TestServer } from "./server";

/**
 * Runs one read-only count against the test server's own database, whichever dialect it uses,
 * for tests that must see what was (not) stored rather than what the API answers.
 */
export async function countRows(server: TestServer, table: string, where: { column: string; value: string }): Promise<number> {
  if (server.databaseUrl) {
    const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      const [row] = await sql`select count(*)::int as count from ${sql(table)} where ${sql(where.column)} = ${where.value}`;
      return (row as { count: number }).count;
    } finally {
      await sql.end();
    }
  }
  const db = new Database(path.join(server.dataDir, "pneumatic.db"), { readonly: true });
  try {
    return (db.prepare(`select count(*) as count from "${table}" where "${where.column}" = ?`).get(where.value) as { count: number }).count;
  } finally {
    db.close();
  }
}
