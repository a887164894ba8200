/**
 * Next calls register() once at start-up. Tracing stays off (nothing loaded, nothing exported)
 * unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("@/lib/config");
  const settings = getConfig().tracing;
  if (!settings) return;
  const { startTracing } = await import("@/lib/observability/tracing");
  startTracing(settings);
}
