/** @type {import('next').NextConfig} */
const nextConfig = {
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
  poweredByHeader: false,
};

export default nextConfig;
