/** @type {import('next').NextConfig} */
const nextConfig = {
  // A self-contained folder (traced node_modules included) that the compiled server and the
  // container image run from; see scripts/assemble-standalone.sh.
  output: "standalone",
  outputFileTracingRoot: import.meta.dirname,
  // /docs serves Swagger UI's files from node_modules, read at run time.
  outputFileTracingIncludes: {
    "/docs/**": ["./node_modules/swagger-ui-dist/swagger-ui.css", "./node_modules/swagger-ui-dist/swagger-ui-bundle.js"],
  },
  // The tracer reads `path.join(dataDir, "uploads")` (lib/storage) as any folder named uploads,
  // and would ship app/uploads' sources with the route handlers; nothing reads them at run time.
  outputFileTracingExcludes: { "*": ["./app/**"] },
  // Native and socket-owning packages must be loaded by Node itself, once, so that
  // route handlers and server.ts share the same driver instances.
  serverExternalPackages: [
    "better-sqlite3",
    "sharp",
    "@aws-sdk/client-s3",
    "@node-rs/argon2",
    "postgres",
    "ws",
    "prom-client",
    "pino",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/exporter-trace-otlp-http",
  ],
  // Every request is already logged once, as JSON, by lib/observability/http.ts.
  logging: { incomingRequests: false },
  poweredByHeader: false,
  // Loading every route's code at start-up took most of the time to /health and a good part of
  // the idle memory; each route is loaded on its first request instead.
  experimental: { preloadEntriesOnStart: false },
};

export default nextConfig;
