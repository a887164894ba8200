import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, postMessage } from "../support/api";
import { Device, expectExactlyOnce, runInterleaving } from "../support/interleaving";
import { startServer, type TestServer } from "../support/server";

// Two instances of the real server on one PostgreSQL database, as behind a load balancer.
const instances: TestServer[] = [];

function startInstance(): Promise<TestServer> {
  const first = instances[0];
  return startServer(first ? { env: { DATABASE_URL: first.databaseUrl!, SECRET_KEY: first.env.SECRET_KEY! } } : {});
}

beforeAll(async () => {
  instances.push(await startInstance());
  instances.push(await startInstance());
});
afterAll(() => Promise.all(instances.map((instance) => instance.stop())));

const deployment = {
  urls: () => instances.map((instance) => instance.url),
  async restart(index: number) {
    await instances[index]!.stop();
    instances[index] = await startInstance();
  },
};

describe("exactly once across two instances on PostgreSQL", () => {
  for (const seed of [11, 12]) {
    it(`holds under the random interleaving of seed ${seed}, with instances restarting`, async () => {
      const [alice, bob] = await Promise.all([createUser(instances[0]!.url), createUser(instances[0]!.url)]);
      const conversationId = await createConversation(instances[0]!.url, alice, [bob], "pair", true);
      await runInterleaving(deployment, alice, bob, conversationId, { seed, operations: 80, restarts: 2 });
    }, 180_000);
  }

  it("loses nothing acknowledged and repeats nothing when an instance is killed mid-burst", async () => {
    const [alice, bob] = await Promise.all([createUser(instances[0]!.url), createUser(instances[0]!.url)]);
    const conversationId = await createConversation(instances[0]!.url, alice, [bob]);
    const devices = [new Device(bob, conversationId), new Device(bob, conversationId), new Device(alice, conversationId)];
    await Promise.all(devices.map((device, i) => device.connect(deployment.urls()[i % 2]!)));

    const acknowledged = new Set<string>();
    const unanswered: string[] = [];
    const burst = Array.from({ length: 120 }, async (_, i) => {
      const messageId = randomUUID();
      const response = await postMessage(deployment.urls()[i % 2]!, i % 3 ? alice : bob, conversationId, `burst ${i}`, messageId).catch(
        () => null,
      );
      if (response?.status === 201) acknowledged.add(messageId);
      else unanswered.push(messageId);
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const victim = instances[0]!;
    await victim.kill();
    await Promise.all(burst);

    // A client whose request got no answer retries it, with the same message_id, elsewhere.
    instances[0] = await startInstance();
    for (const messageId of unanswered) {
      const response = await postMessage(instances[1]!.url, alice, conversationId, "retried", messageId);
      if (response.status === 201) acknowledged.add(messageId);
    }
    for (const device of devices) {
      if (!device.connected) await device.connect(instances[1]!.url);
      await device.settle();
    }
    await expectExactlyOnce(instances[1]!.url, alice, conversationId, devices, acknowledged);
    expect(acknowledged.size).toBeGreaterThan(0);
    for (const device of devices) await device.disconnect();
  }, 180_000);
});
