import type { TestProject } from "vitest/node";

import { startPostgresCluster } from "./postgres";

declare module "vitest" {
  export interface ProvidedContext {
    dialect: "sqlite" | "postgres";
    postgresAdminUrl: string;
  }
}

/** One PostgreSQL cluster for the whole run; each server started by a test gets its own database. */
export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPostgresCluster();
  project.provide("postgresAdminUrl", cluster.adminUrl);
  return () => cluster.destroy();
}
