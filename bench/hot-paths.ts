/**
 * The hot paths against the durable limit of the same stack (bench/durable-limit.ts), in one
 * run, interleaved: the product on SQLite, the product on PostgreSQL and the limit take turns
 * at each workload (see bench/harness.ts), and the medians are printed with the product / limit
 * ratios. PostgreSQL is a throw-away cluster with the test setup's settings.
 */
import { compare, limitTarget, productTarget, settings, WORKLOADS } from "./harness";
import { createDatabase, startPostgresCluster } from "../tests/support/postgres";

const cluster = await startPostgresCluster();
try {
  console.log(`hot paths: ${settings.rounds} rounds, ${settings.windowSeconds} s windows`);
  await compare(
    [productTarget("product SQLite", async () => undefined), productTarget("product PostgreSQL", () => createDatabase(cluster.adminUrl)), limitTarget()],
    WORKLOADS,
  );
} finally {
  cluster.destroy();
}
