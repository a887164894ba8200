import { mkdirSync } from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

import { getConfig, type DatabaseTarget } from "@/lib/config";
import type { ChatRepository } from "@/lib/db/repository";
import { createSqliteRepository } from "@/lib/db/sqlite/repository";
import { traceMethods } from "@/lib/observability/spans";
import { processSingleton } from "@/lib/process-singleton";

const MIGRATIONS_ROOT = path.join(process.cwd(), "drizzle");

function openSqlite(file: string): ChatRepository {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const client = new Database(file);
  client.pragma("journal_mode = WAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  client.pragma("synchronous = NORMAL");
  migrate(drizzle(client), { migrationsFolder: path.join(MIGRATIONS_ROOT, "sqlite") });
  return createSqliteRepository(client);
}

async function openRepository(target: DatabaseTarget): Promise<ChatRepository> {
  if (target.dialect === "sqlite") return openSqlite(target.file);
  throw new Error("PostgreSQL support is not built yet; unset DATABASE_URL to use SQLite");
}

async function openConfiguredRepository(): Promise<ChatRepository> {
  const { database, tracing } = getConfig();
  const repository = await openRepository(database);
  return tracing ? traceMethods(repository, "db", { "db.system.name": database.dialect }) : repository;
}

/** Opens (and migrates) the configured database once per process. */
export function getRepository(): Promise<ChatRepository> {
  return processSingleton("repository", openConfiguredRepository);
}
