/**
 * Scale-out: two instances of the product on one PostgreSQL against one instance, in one run,
 * interleaved (see bench/harness.ts). Sockets and HTTP clients alternate between the two
 * instances, so half of every group's members hear its messages through the other instance's
 * NOTIFY. Prints whether throughput grows with instances, and their CPU per message.
 */
import { compare, fanOut, pairs, posts, productTarget, settings } from "./harness";
import { createDatabase, startPostgresCluster } from "../tests/support/postgres";

const cluster = await startPostgresCluster();
try {
  console.log(`scale-out on PostgreSQL: ${settings.rounds} rounds, ${settings.windowSeconds} s windows`);
  await compare(
    [productTarget("2 instances", () => createDatabase(cluster.adminUrl), 2), productTarget("1 instance", () => createDatabase(cluster.adminUrl))],
    [
      ["fan-out", fanOut],
      ["POST", posts],
      ["pairs", pairs],
    ],
  );
} finally {
  cluster.destroy();
}
