/**
 * Memory benchmark: the server's RSS and heap at rest, with 2000 WebSockets open, and after
 * they close, over three rounds: a leak shows as growth from round to round.
 *
 * Needs a production build (`npm run bench` builds first). Talks only to 127.0.0.1.
 */
import { createUser } from "../tests/support/api";
import { churnConnections, serverMemory, type MemoryReading } from "../tests/support/churn";
import { startServer } from "../tests/support/server";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 2000);

function show(label: string, reading: MemoryReading): void {
  console.log(`${label.padEnd(22)} rss ${reading.rssMiB.toFixed(1)} MiB  heap used ${reading.heapUsedMiB.toFixed(1)} MiB`);
}

const server = await startServer();
try {
  const user = await createUser(server.url);
  show("baseline", await serverMemory(server));
  for (let round = 1; round <= 3; round++) {
    await churnConnections(server, user, CONNECTIONS);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    show(`after round ${round} (${CONNECTIONS})`, await serverMemory(server));
  }
} finally {
  await server.stop();
}
