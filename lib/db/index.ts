import { mkdirSync } from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

import { sessionsRevoked } from "@/lib/auth/revocations";
import { getConfig, type DatabaseTarget, type PostgresTarget } from "@/lib/config";
import type { AccountStore } from "@/lib/db/accounts";
import { createPostgresAccountStore } from "@/lib/db/pg/accounts";
import { connectPostgres, migratePostgres } from "@/lib/db/pg/connection";
import { listenForEvents } from "@/lib/db/pg/listener";
import { createPostgresRepository } from "@/lib/db/pg/repository";
import type { Announcer, ChatRepository as ConversationStore } from "@/lib/db/repository";
import { createSqliteAccountStore } from "@/lib/db/sqlite/accounts";
import { createSqliteRepository } from "@/lib/db/sqlite/repository";
import { traceMethods } from "@/lib/observability/spans";
import { processSingleton } from "@/lib/process-singleton";

/** Everything the app stores, whichever database holds it. */
export type ChatRepository = ConversationStore & AccountStore;

const MIGRATIONS_ROOT = path.join(process.cwd(), "drizzle");

function storeListeners(): Set<Announcer> {
  return processSingleton("store-listeners", () => new Set<Announcer>());
}

/** What the open store tells every listener of this process. */
const announcer: Announcer = {
  event(announcement) {
    for (const listener of storeListeners()) listener.event(announcement);
  },
  signal(signal) {
    for (const listener of storeListeners()) listener.signal(signal);
  },
};

/**
 * Hears every event stored in the database, by any instance, once and in each conversation's
 * seq order, and every signal broadcast by any instance, for as long as this process has the
 * store open.
 */
export function listenToStore(listener: Announcer): () => void {
  const listeners = storeListeners();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function openSqlite(file: string): ChatRepository {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const client = new Database(file);
  client.pragma("journal_mode = WAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  client.pragma("synchronous = NORMAL");
  migrate(drizzle(client), { migrationsFolder: path.join(MIGRATIONS_ROOT, "sqlite") });
  return { ...createSqliteRepository(client, announcer), ...createSqliteAccountStore(client) };
}

/**
 * Stored events, signals and revoked sessions are announced by NOTIFY, which every instance's
 * listener (this one's too) hears; revocations go to this process's revocation listeners.
 */
async function openPostgres(target: PostgresTarget): Promise<ChatRepository> {
  await migratePostgres(target, path.join(MIGRATIONS_ROOT, "pg"));
  const client = connectPostgres(target);
  const repository = { ...createPostgresRepository(client), ...createPostgresAccountStore(client) };
  const listener = listenForEvents(target, repository, announcer, sessionsRevoked);
  // Until LISTEN is in place this instance would miss events, so the store is not open before it.
  const listening = await Promise.race([
    listener.ready.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), target.connectTimeoutMs).unref()),
  ]);
  if (!listening) {
    await Promise.allSettled([listener.stop(), repository.close()]);
    throw Object.assign(new Error("could not LISTEN for stored events"), { code: "CONNECT_TIMEOUT" });
  }
  return {
    ...repository,
    async close() {
      await listener.stop();
      await repository.close();
    },
  };
}

async function openRepository(target: DatabaseTarget): Promise<ChatRepository> {
  return target.dialect === "sqlite" ? openSqlite(target.file) : openPostgres(target);
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
