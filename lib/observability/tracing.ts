import type { OperationsConfig } from "@/lib/config";
import { log } from "@/lib/log";

/**
 * Registers the global tracer provider that exports spans over OTLP/HTTP. Next's own request
 * spans and the database spans (lib/observability/spans.ts) go through it. The SDK is imported
 * here, when tracing is configured, and never otherwise: a bundler turns this module's static
 * imports into start-up imports of the whole server, and loading the SDK took a tenth of
 * start-up.
 */
export async function startTracing(settings: NonNullable<OperationsConfig["tracing"]>): Promise<void> {
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, NodeTracerProvider }] = await Promise.all([
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/sdk-trace-node"),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces` }))],
  });
  provider.register();
  log("info", "tracing enabled", { endpoint: settings.endpoint, service: settings.serviceName });
}
