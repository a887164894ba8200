import WebSocket from "ws";

import type { TestUser } from "./api";
import type { TestServer } from "./server";

export interface MemoryReading {
  rssMiB: number;
  heapUsedMiB: number;
}

/** The server's own resident and heap memory, from its /metrics. */
export async function serverMemory(server: TestServer): Promise<MemoryReading> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const mib = (name: string) => Number(/\s(\S+)$/.exec(text.split("\n").find((line) => line.startsWith(`${name} `)) ?? "")?.[1]) / 2 ** 20;
  return { rssMiB: mib("process_resident_memory_bytes"), heapUsedMiB: mib("nodejs_heap_size_used_bytes") };
}

/** Opens `count` WebSockets of one user (each syncs), then closes them all and waits for the closes. */
export async function churnConnections(server: TestServer, user: TestUser, count: number): Promise<void> {
  const url = `${server.url.replace(/^http/, "ws")}/ws?token=${encodeURIComponent(user.token)}`;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.send(JSON.stringify({ type: "sync", cursors: {} }));
    sockets.push(socket);
  }
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise((resolve) => {
          socket.once("close", resolve);
          socket.close();
        }),
    ),
  );
}
