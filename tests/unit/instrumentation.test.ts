import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

interface Probe {
  recording: boolean;
  sdkLoaded: boolean;
}

/** Runs Next's register() hook in a fresh process and reports what it set up. */
function probe(env: Record<string, string>): Probe {
  const script = `
    import { createRequire } from "node:module";
    const { register } = await import("./instrumentation.ts");
    await register();
    const { trace } = await import("@opentelemetry/api");
    const recording = trace.getTracer("probe").startSpan("probe").isRecording();
    const sdkLoaded = Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes("sdk-trace"));
    console.log(JSON.stringify({ probe: { recording, sdkLoaded } }));`;
  const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      NEXT_RUNTIME: "nodejs",
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "pneumatic-otel-")),
      ...env,
    },
  });
  const line = output.split("\n").find((entry) => entry.includes('"probe"'));
  return (JSON.parse(line!) as { probe: Probe }).probe;
}

describe("tracing set-up", () => {
  it("loads no SDK and records no span when no OTLP endpoint is configured", () => {
    expect(probe({})).toEqual({ recording: false, sdkLoaded: false });
  });

  it("registers a recording tracer when OTEL_EXPORTER_OTLP_ENDPOINT is set", () => {
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" })).toEqual({ recording: true, sdkLoaded: true });
  });
});
