import { FrameLog, type Frame } from "./frames";

export interface StreamOptions {
  token?: string;
  cursors?: Record<string, number>;
  headers?: Record<string, string>;
}

/** A real HTTP client of /events that parses the Server-Sent Events and records their frames. */
export class TestEventStream extends FrameLog {
  private done: Promise<void> = Promise.resolve();

  private constructor(private readonly abort: AbortController) {
    super();
  }

  /** Opens the stream; rejects with the status when the server answers with something else. */
  static async open(baseUrl: string, options: StreamOptions = {}): Promise<TestEventStream> {
    const abort = new AbortController();
    const query = options.cursors ? `?cursors=${encodeURIComponent(JSON.stringify(options.cursors))}` : "";
    const headers: Record<string, string> = { accept: "text/event-stream", ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${baseUrl}/events${query}`, { headers, signal: abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`event stream refused: ${response.status} ${await response.text()}`);
    const stream = new TestEventStream(abort);
    stream.done = stream.consume(response.body);
    return stream;
  }

  private async consume(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf("\n\n")) >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = event.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
          if (data) this.record(JSON.parse(data) as Frame);
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  /** Resolves when the server ends the stream. */
  ended(): Promise<void> {
    return this.done;
  }

  close(): Promise<void> {
    this.abort.abort();
    return this.done;
  }
}
