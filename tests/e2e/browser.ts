import { mkdirSync } from "node:fs";
import path from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";

/** Debian's Chromium; Playwright's own downloads are not used. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

const ARTIFACTS = path.resolve("test-results/e2e");

/** Screenshots are artifacts for people to look at, not compared by the tests. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export const PASSWORD = "correct horse battery";

/**
 * Content-Security-Policy violations seen by any page since the last check: the app must work
 * under its policy, so a test file asserts this stays empty after every test.
 */
export const cspViolations: string[] = [];

export async function newPage(browser: Browser, baseURL: string, options: Parameters<Browser["newContext"]>[0] = {}) {
  const context: BrowserContext = await browser.newContext({ baseURL, ...options });
  context.setDefaultTimeout(15_000);
  // The event reaches the page's scripts only; reporting it on the console lets the test see it.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (/CSP violation|Refused to|Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, page };
}

export async function signUp(page: Page, username: string, fullName = ""): Promise<void> {
  await page.goto("/");
  await page.getByRole("tab", { name: "Sign up" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  if (fullName) await page.getByLabel("Full name (optional)").fill(fullName);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/chat");
  await expectLive(page);
}

export async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL("**/chat");
  await expectLive(page);
}

/** The WebSocket is open and caught up. */
export async function expectLive(page: Page): Promise<void> {
  await page.getByRole("status", { name: "Connection: Live" }).waitFor();
}

/** The texts of the message bubbles in the open conversation, oldest first. */
export async function messageTexts(page: Page): Promise<string[]> {
  return page.getByTestId("message-body").allInnerTexts();
}

export async function expectMessages(page: Page, expected: string[]): Promise<void> {
  await expect.poll(() => messageTexts(page), { timeout: 15_000 }).toEqual(expected);
}

/** Sends from the composer and waits until the server has stored the message. */
export async function sendMessage(page: Page, text: string, submit: "enter" | "tap" = "enter"): Promise<void> {
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.fill(text);
  if (submit === "enter") await composer.press("Enter");
  else await page.getByRole("button", { name: "Send" }).tap();
  await page.locator('[data-testid="message"][data-state="sent"]').filter({ hasText: text }).waitFor();
}

/** A browser of its own for a user made through the API, logged in, on one conversation if named. */
/** A phone-sized context: 375 px wide, touch, mobile viewport. */
export const PHONE: Parameters<Browser["newContext"]>[0] = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** A signed-in page at `path`, once its connection is live. */
export async function openLive(
  browser: Browser,
  baseURL: string,
  user: { username: string; password: string },
  path: string,
  options: Parameters<Browser["newContext"]>[0] = {},
) {
  const session = await newPage(browser, baseURL, options);
  await logIn(session.page, user.username, user.password);
  await session.page.goto(path);
  await expectLive(session.page);
  return session;
}

/** The sidebar's link to a conversation, by (part of) its name. */
export function conversationLink(page: Page, name: string) {
  return page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: new RegExp(name) });
}

export async function openAs(
  browser: Browser,
  baseURL: string,
  user: { username: string; password: string },
  conversationId?: string,
  options: Parameters<Browser["newContext"]>[0] = {},
) {
  const session = await newPage(browser, baseURL, options);
  await logIn(session.page, user.username, user.password);
  if (conversationId) await session.page.goto(`/chat?c=${conversationId}`);
  return session;
}
