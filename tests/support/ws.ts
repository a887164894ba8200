import { randomBytes } from "node:crypto";
import { connect } from "node:net";

import WebSocket from "ws";

import { FrameLog, type Frame } from "./frames";

export type { Frame };

export interface OpenOptions {
  token?: string;
  headers?: Record<string, string>;
  query?: string;
}

/** A real `ws` client that records every frame it receives and lets a test wait for one. */
export class TestSocket extends FrameLog {
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    super();
    socket.on("message", (data) => this.record(JSON.parse(data.toString()) as Frame));
    socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static open(baseUrl: string, options: OpenOptions = {}): Promise<TestSocket> {
    const query = options.query ?? (options.token ? `?token=${encodeURIComponent(options.token)}` : "");
    const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws${query}`, { headers: options.headers });
    return new Promise((resolve, reject) => {
      const client = new TestSocket(socket);
      socket.once("open", () => resolve(client));
      socket.once("unexpected-response", (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      socket.once("error", reject);
    });
  }

  /** Resolves with the HTTP status an upgrade is refused with. */
  static refusal(baseUrl: string, options: OpenOptions = {}): Promise<number> {
    return TestSocket.open(baseUrl, options).then(
      (client) => {
        client.close();
        throw new Error("upgrade was accepted");
      },
      (error: Error) => Number(/upgrade refused: (\d+)/.exec(error.message)?.[1] ?? Number.NaN),
    );
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Sends a frame and waits for the first frame of one of the given types received after it. */
  async request(frame: unknown, types: string[]): Promise<Frame> {
    const start = this.frames.length;
    this.send(frame);
    return this.waitFor((candidate) => types.includes(candidate.type) && this.frames.indexOf(candidate) >= start);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }

  waitForClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("socket was not closed")), timeoutMs);
      this.socket.once("close", (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
  }
}

/**
 * A raw TCP client that completes the WebSocket handshake and then neither reads nor answers
 * pings: what a frozen or vanished device looks like to the server.
 */
export async function stalledClient(server: { port: number }, token: string): Promise<{ closed(): Promise<void> }> {
  const socket = connect(server.port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(
    `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const response = await new Promise<Buffer>((resolve) => socket.once("data", resolve));
  if (!response.toString().startsWith("HTTP/1.1 101")) throw new Error(`upgrade refused: ${response.toString()}`);
  socket.pause();
  return {
    /** Starts reading again, discarding what arrives, until the server has closed the connection. */
    closed: () =>
      new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.on("data", () => undefined);
        socket.resume();
      }),
  };
}
