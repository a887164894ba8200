# syntax=docker/dockerfile:1
# The image runs the same standalone bundle that CI tests (scripts/build-standalone.sh):
#   docker build -t pneumatic-chat .
#   docker run -p 8000:8000 -e SECRET_KEY="$(openssl rand -base64 48)" -v pneumatic-data:/data pneumatic-chat

FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
# patches/ is applied by npm ci (patch-package, postinstall).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
WORKDIR /app
# The application files stay root's and read-only to the server; only DATA_DIR is writable.
COPY --from=build /src/.next/standalone ./
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself, so the server drains (WebSocket 1001).
CMD ["node", "server.mjs"]
