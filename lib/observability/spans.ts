import { SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";

const tracer = () => trace.getTracer("pneumatic-chat");

/**
 * Returns `target` with every method wrapped in a span named `<prefix>.<method>`. Used for the
 * repository only when tracing is on, so an untraced server pays nothing for it.
 */
export function traceMethods<T extends object>(target: T, prefix: string, attributes: Attributes): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) =>
        tracer().startActiveSpan(
          `${prefix}.${property}`,
          { kind: SpanKind.CLIENT, attributes: { ...attributes, "db.operation.name": property } },
          async (span) => {
            try {
              return await (value as (...parameters: unknown[]) => unknown).apply(object, args);
            } catch (error) {
              span.recordException(error instanceof Error ? error : String(error));
              span.setStatus({ code: SpanStatusCode.ERROR });
              throw error;
            } finally {
              span.end();
            }
          },
        );
    },
  });
}

interface ShutdownableProvider {
  shutdown(): Promise<void>;
}

function hasShutdown(value: unknown): value is ShutdownableProvider {
  return typeof value === "object" && value !== null && typeof (value as Partial<ShutdownableProvider>).shutdown === "function";
}

/** Sends the spans still buffered before the process exits; a no-op when tracing is off. */
export async function flushTracing(): Promise<void> {
  const global = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const provider = global.getDelegate?.() ?? global;
  if (hasShutdown(provider)) await provider.shutdown();
}
