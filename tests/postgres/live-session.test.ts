import { afterAll, beforeAll, inject } from "vitest";

import { closeRepository } from "@/lib/db";

import { describeLiveSession } from "../support/live-session-contract";
import { createDatabase } from "../support/postgres";

// The store is opened on first use, so naming the database before the first test is enough.
beforeAll(async () => {
  process.env.DATABASE_URL = await createDatabase(inject("postgresAdminUrl"));
});
afterAll(() => closeRepository());

describeLiveSession();
