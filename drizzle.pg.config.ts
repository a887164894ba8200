import { defineConfig } from "drizzle-kit";

/** The PostgreSQL twin of drizzle.config.ts (SQLite): same tables, migrations in drizzle/pg. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/pg/schema.ts",
  out: "./drizzle/pg",
});
