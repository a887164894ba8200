import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createUser, postMessage, uniqueName } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { cspViolations, expectMessages, launchBrowser, newPage, screenshot, sendMessage, signUp } from "./browser";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterEach(() => {
  expect(cspViolations.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A phone in a time zone half an hour off UTC, so local times cannot pass for server times. */
const PHONE = {
  viewport: { width: 375, height: 740 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  locale: "en-GB",
  timezoneId: "Asia/Kolkata",
};

/** Nothing sticks out sideways: the page never scrolls horizontally on a phone. */
function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe("web UI on a 375 px phone", { timeout: 90_000 }, () => {
  it("shows the list, then one conversation at a time, with live messages and a way back", async () => {
    const friend = await createUser(server.url, "friend", "Frida Friend");
    const { context, page } = await newPage(browser, server.url, PHONE);
    await page.goto("/");
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "mobile-login");

    await signUp(page, uniqueName("phone"), "Pat Phone");
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "Chat with Frida Friend" }).tap();
    await page.getByTestId("conversation-title").filter({ hasText: "Frida Friend" }).waitFor();
    await expect(page.getByRole("complementary", { name: "Chats" }).isVisible()).resolves.toBe(false);

    await sendMessage(page, "Sent from my phone", "tap");
    const conversationId = new URL(page.url()).searchParams.get("c")!;
    await postMessage(server.url, friend, conversationId, "Got it, thanks! This reply is long enough to wrap onto several lines on a narrow screen.");
    await expectMessages(page, [
      "Sent from my phone",
      "Got it, thanks! This reply is long enough to wrap onto several lines on a narrow screen.",
    ]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "mobile-conversation");

    await page.reload();
    const time = page.getByTestId("message").first().locator("time");
    const sentAt = new Date((await time.getAttribute("datetime"))!);
    const local = sentAt.toLocaleTimeString("en-GB", { timeZone: "Asia/Kolkata", hour: "2-digit", minute: "2-digit" });
    await expect.poll(() => time.innerText()).toBe(local);

    await page.getByRole("link", { name: "Back to conversations" }).tap();
    await page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /Frida Friend/ }).waitFor();
    await expect(page.getByRole("textbox", { name: "Message" }).count()).resolves.toBe(0);
    await screenshot(page, "mobile-list");
    await context.close();
  });
});
