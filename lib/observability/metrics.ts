import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

import { RecentEvents } from "@/lib/observability/recent-events";
import { processSingleton } from "@/lib/process-singleton";

const RATE_WINDOW_SECONDS = 60;

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const recentMessages = new RecentEvents(RATE_WINDOW_SECONDS);

  return {
    registry,
    recentMessages,
    websocketConnectionsTotal: new Counter({
      name: "pneumatic_websocket_connections_total",
      help: "WebSocket connections accepted since start",
      registers,
    }),
    websocketConnectionsActive: new Gauge({
      name: "pneumatic_websocket_connections_active",
      help: "WebSocket connections open now",
      registers,
    }),
    messagesSentTotal: new Counter({
      name: "pneumatic_messages_sent_total",
      help: "Messages stored since start, over HTTP and WebSocket",
      registers,
    }),
    messagesPerSecond: new Gauge({
      name: "pneumatic_messages_per_second",
      help: `Messages stored per second, averaged over the last ${RATE_WINDOW_SECONDS} seconds`,
      registers,
      collect() {
        this.set(recentMessages.count() / RATE_WINDOW_SECONDS);
      },
    }),
    httpRequestsTotal: new Counter({
      name: "pneumatic_http_requests_total",
      help: "HTTP requests answered, by route pattern and status",
      labelNames: ["method", "route", "status"] as const,
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: "pneumatic_http_request_duration_seconds",
      help: "Time from receiving an HTTP request to the end of its response",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    websocketFramesReceived: new Counter({
      name: "pneumatic_websocket_frames_received_total",
      help: "WebSocket frames received from clients",
      registers,
    }),
    websocketFramesSent: new Counter({
      name: "pneumatic_websocket_frames_sent_total",
      help: "WebSocket frames sent to clients",
      registers,
    }),
    messageDeliverySeconds: new Histogram({
      name: "pneumatic_message_delivery_seconds",
      help: "Time from storing a message to handing it to a recipient's WebSocket",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    rateLimitedTotal: new Counter({
      name: "pneumatic_rate_limited_total",
      help: "Requests and WebSocket frames refused by the rate limiter",
      labelNames: ["scope"] as const,
      registers,
    }),
  };
}

/** One registry per process: server.ts and the bundled route handlers record into the same one. */
export const metrics = processSingleton("metrics", createMetrics);

/** Called once for every message that is newly stored, whichever way it arrived. */
export function recordMessageStored(): void {
  metrics.messagesSentTotal.inc();
  metrics.recentMessages.add();
}
