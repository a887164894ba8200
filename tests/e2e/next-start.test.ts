import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { uniqueName } from "../support/api";
import { startNextServer, type TestServer } from "../support/server";
import { expectMessages, launchBrowser, newPage, screenshot, sendMessage, signUp } from "./browser";

// Under `next start` no WebSocket server runs: /ws upgrades go unanswered, and the page falls
// back to the Server-Sent Events stream after 5 s.
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startNextServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("web UI under next start", { timeout: 90_000 }, () => {
  it("goes live over the event stream and delivers messages both ways without a reload", async () => {
    const alice = { username: uniqueName("alice"), fullName: "Alice Archer" };
    const bob = { username: uniqueName("bob"), fullName: "Bob Baker" };
    const a = await newPage(browser, server.url);
    const b = await newPage(browser, server.url);
    await signUp(b.page, bob.username, bob.fullName);
    await signUp(a.page, alice.username, alice.fullName);

    await a.page.getByRole("button", { name: `Chat with ${bob.fullName}` }).click();
    await a.page.getByTestId("conversation-title").filter({ hasText: bob.fullName }).waitFor();
    await sendMessage(a.page, "Hi Bob, no WebSocket here");

    await b.page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /Alice Archer/ }).click();
    await expectMessages(b.page, ["Hi Bob, no WebSocket here"]);
    await sendMessage(b.page, "Events still arrive");
    await expectMessages(a.page, ["Hi Bob, no WebSocket here", "Events still arrive"]);
    await screenshot(a.page, "next-start-live");
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("shows who is typing, sent without a WebSocket", async () => {
    const alice = { username: uniqueName("ann"), fullName: "Ann Reader" };
    const bob = { username: uniqueName("tom"), fullName: "Tom Typist" };
    const a = await newPage(browser, server.url);
    const b = await newPage(browser, server.url);
    await signUp(b.page, bob.username, bob.fullName);
    await signUp(a.page, alice.username, alice.fullName);
    await a.page.getByRole("button", { name: `Chat with ${bob.fullName}` }).click();
    await sendMessage(a.page, "Are you there?");
    await b.page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /Ann Reader/ }).click();
    await expectMessages(b.page, ["Are you there?"]);
    await a.page.getByRole("status", { name: "Connection: Live" }).waitFor({ timeout: 20_000 });

    await b.page.getByRole("textbox", { name: "Message" }).pressSequentially("yes, writing");
    await expect.poll(() => a.page.getByTestId("typing").innerText(), { timeout: 10_000 }).toBe("Tom Typist is typing…");
    await Promise.all([a.context.close(), b.context.close()]);
  });
});
