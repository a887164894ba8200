import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

import type { OperationsConfig } from "@/lib/config";
import { log } from "@/lib/log";

/**
 * Registers the global tracer provider that exports spans over OTLP/HTTP. Next's own request
 * spans and the database spans (lib/observability/spans.ts) go through it. Only imported when
 * tracing is configured, so the SDK is never loaded otherwise.
 */
export function startTracing(settings: NonNullable<OperationsConfig["tracing"]>): void {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces` }))],
  });
  provider.register();
  log("info", "tracing enabled", { endpoint: settings.endpoint, service: settings.serviceName });
}
