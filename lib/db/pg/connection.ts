import path from "node:path";

import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres, { type Options, type Sql } from "postgres";

import type { PostgresTarget } from "@/lib/config";

/** Any constant shared by all instances: only one of them migrates at a time. */
const MIGRATION_LOCK = 0x706e6575;

/** Client options every connection of the application shares. */
export function postgresOptions(target: PostgresTarget, overrides: Options<Record<string, never>> = {}): Options<Record<string, never>> {
  return {
    max: target.poolMax,
    connect_timeout: target.connectTimeoutMs / 1000,
    // Timestamps are read back as ISO strings in UTC whatever the server's default zone.
    connection: {
      application_name: "pneumatic-chat",
      TimeZone: "UTC",
      statement_timeout: target.statementTimeoutMs,
    },
    onnotice: () => undefined,
    ...overrides,
  };
}

/**
 * Applies drizzle/pg on one dedicated connection holding an advisory lock, so instances that
 * start together migrate one after the other instead of racing on CREATE TABLE.
 */
export async function migratePostgres(target: PostgresTarget, migrationsFolder: string): Promise<void> {
  const client = postgres(target.url, postgresOptions(target, { max: 1 }));
  try {
    const db = drizzle(client);
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await migrate(db, { migrationsFolder: path.resolve(migrationsFolder) });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

export function connectPostgres(target: PostgresTarget): Sql {
  return postgres(target.url, postgresOptions(target));
}
