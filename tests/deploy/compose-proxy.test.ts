import { readFileSync } from "node:fs";
import { request } from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUser, uniqueName } from "../support/api";
import { findActionId } from "../support/server-actions";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";

// compose.yaml puts the instances behind nginx with deploy/nginx.conf and publishes it on 8080.
const BROWSER_ORIGIN = "http://localhost:8080";

/** What nginx sets each variable to for a browser's request to BROWSER_ORIGIN; `$host` has no port. */
const NGINX_VARIABLES: Record<string, string> = {
  $host: "localhost",
  $http_host: "localhost:8080",
  $scheme: "http",
  $proxy_add_x_forwarded_for: "203.0.113.7",
  $http_upgrade: "websocket",
  $connection_upgrade: "upgrade",
};

/**
 * The headers deploy/nginx.conf sends the instances, as nginx fills them in, but Upgrade and
 * Connection: the client library sets those itself for an upgrade, and must not for a POST.
 */
function proxiedHeaders(): Record<string, string> {
  const config = readFileSync("deploy/nginx.conf", "utf8");
  const headers: Record<string, string> = {};
  for (const [, name, value] of config.matchAll(/proxy_set_header\s+(\S+)\s+(\S+);/g)) {
    if (!(value! in NGINX_VARIABLES)) throw new Error(`no value known for ${value} in deploy/nginx.conf`);
    headers[name!.toLowerCase()] = NGINX_VARIABLES[value!]!;
  }
  const { upgrade: _upgrade, connection: _connection, ...forwarded } = headers;
  return forwarded;
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { TRUST_PROXY: "true" } });
});
afterAll(() => server.stop());

describe("behind the compose set-up's nginx", () => {
  it("lets the web UI's page open /ws", async () => {
    const user = await createUser(server.url);
    const socket = await TestSocket.open(server.url, { token: user.token, headers: { ...proxiedHeaders(), origin: BROWSER_ORIGIN } });
    expect(await socket.request({ type: "ping" }, ["pong"])).toEqual({ type: "pong" });
    await socket.close();
  });

  it("lets the web UI's page call its server actions", async () => {
    const signUpAction = await findActionId(server.url, "/", "signUpAction");
    const body = JSON.stringify([{ username: uniqueName(), password: "long enough password" }]);
    const status = await new Promise<number>((resolve, reject) => {
      const call = request(`${server.url}/`, {
        method: "POST",
        headers: { ...proxiedHeaders(), origin: BROWSER_ORIGIN, "next-action": signUpAction, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8" },
      });
      call.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      call.on("error", reject);
      call.end(body);
    });
    expect(status).toBe(200);
  });
});
