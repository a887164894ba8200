import { mkdirSync } from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

import { getConfig, type DatabaseTarget } from "@/lib/config";
import { createPostgresAccountStore } from "@/lib/db/pg/accounts";
import { connectPostgres, migratePostgres } from "@/lib/db/pg/connection";
import { createPostgresRepository } from "@/lib/db/pg/repository";
import type { AccountStore } from "@/lib/db/accounts";
import type { ChatRepository as ConversationStore } from "@/lib/db/repository";
import { createSqliteAccountStore } from "@/lib/db/sqlite/accounts";
import { createSqliteRepository } from "@/lib/db/sqlite/repository";
import { traceMethods } from "@/lib/observability/spans";
import { processSingleton } from "@/lib/process-singleton";

/** Everything the app stores, whichever database holds it. */
export type ChatRepository = ConversationStore & AccountStore;

const MIGRATIONS_ROOT = path.join(process.cwd(), "drizzle");

function openSqlite(file: string): ChatRepository {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const client = new Database(file);
  client.pragma("journal_mode = WAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  client.pragma("synchronous = NORMAL");
  migrate(drizzle(client), { migrationsFolder: path.join(MIGRATIONS_ROOT, "sqlite") });
  return { ...createSqliteRepository(client), ...createSqliteAccountStore(client) };
}

async function openRepository(target: DatabaseTarget): Promise<ChatRepository> {
  if (target.dialect === "sqlite") return openSqlite(target.file);
  await migratePostgres(target, path.join(MIGRATIONS_ROOT, "pg"));
  const client = connectPostgres(target);
  return { ...createPostgresRepository(client), ...createPostgresAccountStore(client) };
}

async function openConfiguredRepository(): Promise<ChatRepository> {
  const { database, tracing } = getConfig();
  const repository = await openRepository(database);
  return tracing ? traceMethods(repository, "db", { "db.system.name": database.dialect }) : repository;
}

/**
 * Opens (and migrates) the configured database once per process. A failed attempt is
 * forgotten, so a database that was down at start-up is picked up by the next caller.
 */
function repositorySlot(): { opening: Promise<ChatRepository> | null } {
  return processSingleton("repository", () => ({ opening: null }));
}

export function getRepository(): Promise<ChatRepository> {
  const slot = repositorySlot();
  slot.opening ??= openConfiguredRepository().catch((error: unknown) => {
    slot.opening = null;
    throw error;
  });
  return slot.opening;
}

/** Closes the database if it was opened; does not try to open it. */
export async function closeRepository(): Promise<void> {
  const slot = repositorySlot();
  const opening = slot.opening;
  slot.opening = null;
  await opening?.then(
    (repository) => repository.close(),
    () => undefined,
  );
}
