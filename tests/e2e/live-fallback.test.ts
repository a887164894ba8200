import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, postMessage } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { expectLive, expectMessages, launchBrowser, logIn, newPage } from "./browser";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("live updates without a WebSocket", { timeout: 90_000 }, () => {
  it("falls back to the event stream when every socket is refused at once, and stays live", async () => {
    const [hal, ivy] = await Promise.all([createUser(server.url, "hal"), createUser(server.url, "ivy")]);
    const conversationId = await createConversation(server.url, hal, [ivy]);
    await postMessage(server.url, ivy, conversationId, "sent before");
    const { context, page } = await newPage(browser, server.url);
    // A proxy that refuses upgrades: each try fails fast instead of hanging.
    await context.routeWebSocket(/\/ws$/, (socket) => socket.close({ code: 1006 }));
    const streams: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/events") streams.push(request.url());
    });

    await logIn(page, hal.username);
    await page.goto(`/chat?c=${conversationId}`);
    await expectLive(page);
    expect(streams.length).toBeGreaterThan(0);
    await postMessage(server.url, ivy, conversationId, "sent live");
    await expectMessages(page, ["sent before", "sent live"]);
    await context.close();
  });
});
