import path from "node:path";

import { configDefaults, defineConfig } from "vitest/config";

/** Suites that start the real server: they run once on SQLite and once on PostgreSQL. */
const serverSuites = ["tests/api/**/*.test.ts", "tests/realtime/**/*.test.ts"];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["tests/{unit,components,ops,e2e,deploy}/**/*.test.{ts,tsx}", ...serverSuites],
          globalSetup: ["tests/support/global-setup.ts"],
          provide: { dialect: "sqlite" },
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: [...serverSuites, "tests/postgres/**/*.test.ts"],
          // Start-up checks of the configuration and `next dev` do not depend on the database.
          exclude: [...configDefaults.exclude, "tests/api/startup.test.ts", "tests/realtime/dev-mode.test.ts"],
          globalSetup: ["tests/support/global-setup.ts", "tests/support/postgres-global-setup.ts"],
          provide: { dialect: "postgres" },
        },
      },
    ],
  },
});
