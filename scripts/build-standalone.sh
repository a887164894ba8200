#!/usr/bin/env bash
# Builds what production runs, the same way for `npm start`, the container image and CI:
#   dist/server.mjs     the compiled server (`npm start` runs it with node from the project)
#   .next/standalone/   a self-contained folder: Next's traced output, the compiled server as
#                       server.mjs, ws, static assets and migrations; `node server.mjs` in it.
set -euo pipefail
cd "$(dirname "$0")/.."

node_modules/.bin/next build
node scripts/build-server.mjs

out=.next/standalone
# Next's generated server.js has no /ws; the compiled server replaces it.
rm -f "$out/server.js"
# Tracing copies the default DATA_DIR as found on this machine (its database and development
# signing key) beside the proxy and instrumentation; the bundle starts with no data of its own.
rm -rf "$out/data"
cp dist/server.mjs "$out/server.mjs"
mkdir -p "$out/.next"
rm -rf "$out/.next/static" "$out/drizzle"
cp -R .next/static "$out/.next/static"
if [ -d public ]; then cp -R public "$out/"; fi
# Migrations run at start-up.
cp -R drizzle "$out/drizzle"
# Only server.ts imports ws, so Next's tracing of the route handlers does not copy it.
rm -rf "$out/node_modules/ws"
cp -R node_modules/ws "$out/node_modules/ws"
