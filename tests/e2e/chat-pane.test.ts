import type { Browser, BrowserContextOptions, Page, WebSocketRoute } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { axeViolations } from "./axe";
import { conversationLink, cspViolations, expectLive, expectMessages, launchBrowser, logIn, newPage, openLive, PHONE, screenshot } from "./browser";

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

function openAs(user: TestUser, path: string, options: BrowserContextOptions = {}) {
  return openLive(browser, server.url, user, path, options);
}

function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describe("the message pane", { timeout: 90_000 }, () => {
  it("groups a sender's messages of one minute under one name, after a day separator", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob")]);
    const direct = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, alice, direct, "first of two");
    await postMessage(server.url, alice, direct, "second of two");
    const { context, page } = await openAs(bob, `/chat?c=${direct}`);
    const log = page.getByRole("log", { name: "Messages" });
    await expect(log.getByTestId("day-separator").allInnerTexts()).resolves.toEqual(["Today"]);
    const headers = log.getByTestId("message").locator("> div > div:first-child");
    await expect(headers.evaluateAll((nodes) => nodes.map((node) => node.classList.contains("sr-only")))).resolves.toEqual([false, true]);
    await context.close();
  });

  it("wraps a long URL inside its bubble and right-aligns right-to-left text on a phone", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const url = `https://example.com/${"segment".repeat(60)}`;
    await postMessage(server.url, alice, direct, url);
    await postMessage(server.url, alice, direct, "שלום, מה שלומך?");
    const { context, page } = await openAs(bob, `/chat?c=${direct}`, PHONE);
    await expectMessages(page, [url, "שלום, מה שלומך?"]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const widths = await page.getByTestId("message-body").evaluateAll((bodies) => bodies.map((body) => body.getBoundingClientRect().width));
    for (const width of widths) expect(width).toBeLessThanOrEqual(375);
    const rtl = page.getByTestId("message-body").last();
    await expect(rtl.evaluate((body) => getComputedStyle(body).direction)).resolves.toBe("rtl");
    await screenshot(page, "long-url-rtl-phone");
    await context.close();
  });

  it("keeps a long code block and a long name inside the message column on a phone", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "A".repeat(100)), createUser(server.url, "bob")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const code = `const line = "${"x".repeat(200)}";`;
    await postMessage(server.url, alice, direct, `\`\`\`\n${code}\n\`\`\``);
    const { context, page } = await openAs(bob, `/chat?c=${direct}`, PHONE);
    await expect.poll(() => page.getByTestId("message-body").count(), { timeout: 15_000 }).toBe(1);
    const log = page.getByRole("log", { name: "Messages" });
    await expect(log.evaluate((node) => node.scrollWidth - node.clientWidth)).resolves.toBeLessThanOrEqual(0);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const width = await page.getByTestId("message-body").last().evaluate((body) => body.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(375);
    await screenshot(page, "long-code-block-phone");
    await context.close();
  });

  it("keeps each conversation's draft to itself", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker"), createUser(server.url, "carol", "Carol Cole")]);
    await createConversation(server.url, alice, [bob]);
    await createConversation(server.url, alice, [carol]);
    for (const options of [{}, PHONE]) {
      const { context, page } = await openAs(alice, "/chat", options);
      const composer = page.getByRole("textbox", { name: "Message" });
      await conversationLink(page, "Bob Baker").click();
      await composer.fill("for Bob only");
      if (options === PHONE) await page.getByRole("link", { name: "Back to conversations" }).tap();
      await conversationLink(page, "Carol Cole").click();
      await page.getByTestId("conversation-title").filter({ hasText: "Carol Cole" }).waitFor();
      await expect.poll(() => composer.inputValue()).toBe("");
      if (options === PHONE) await page.getByRole("link", { name: "Back to conversations" }).tap();
      await conversationLink(page, "Bob Baker").click();
      await page.getByTestId("conversation-title").filter({ hasText: "Bob Baker" }).waitFor();
      await expect.poll(() => composer.inputValue()).toBe("for Bob only");
      await context.close();
    }
  });
});

describe("connection state", { timeout: 90_000 }, () => {
  it("never says Live while offline, shows it inside a conversation on a phone, and retries a failed send once back", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const a = await openAs(alice, `/chat?c=${direct}`);
    const b = await openAs(bob, `/chat?c=${direct}`, PHONE);
    await b.page.getByRole("main").getByRole("status", { name: "Connection: Live" }).waitFor();

    await b.context.setOffline(true);
    await b.page.getByRole("status", { name: "Connection: Offline" }).waitFor();
    await expect(b.page.getByRole("status", { name: "Connection: Live" }).count()).resolves.toBe(0);
    const composer = b.page.getByRole("textbox", { name: "Message" });
    await composer.fill("sent while offline");
    await composer.press("Enter");
    await b.page.locator('[data-testid="message"][data-state="failed"]').waitFor();
    await b.page.getByRole("alert").filter({ hasText: "Could not reach the server" }).waitFor();
    await screenshot(b.page, "offline-phone");

    await b.context.setOffline(false);
    await expectLive(b.page);
    await b.page.locator('[data-testid="message"][data-state="sent"]').filter({ hasText: "sent while offline" }).waitFor();
    await expectMessages(a.page, ["sent while offline"]);
    await expect.poll(() => b.page.getByRole("alert").filter({ hasText: "Could not reach the server" }).count()).toBe(0);
    const stored = await api<{ messages: { content: string }[] }>(server.url, "GET", `/conversations/${direct}/messages`, { token: alice.token });
    expect(stored.body.messages.filter((message) => message.content === "sent while offline")).toHaveLength(1);
    await a.context.close();
    await b.context.close();
  });
});

describe("an expired session", { timeout: 90_000 }, () => {
  it("is renewed when the server closes the socket for it, keeping what was being typed", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const { context, page } = await newPage(browser, server.url, PHONE);
    const sockets: WebSocketRoute[] = [];
    await context.routeWebSocket(/\/ws$/, (socket) => {
      socket.connectToServer();
      sockets.push(socket);
    });
    await logIn(page, alice.username, alice.password);
    await page.goto(`/chat?c=${direct}`);
    await expectLive(page);
    const composer = page.getByRole("textbox", { name: "Message" });
    await composer.fill("a thought in progress");

    const before = sockets.length;
    await sockets.at(-1)!.close({ code: 4001, reason: "token expired" });
    await expect.poll(() => sockets.length).toBeGreaterThan(before);
    await expectLive(page);
    expect(new URL(page.url()).pathname).toBe("/chat");
    await expect(composer.inputValue()).resolves.toBe("a thought in progress");
    await postMessage(server.url, bob, direct, "still live");
    await expectMessages(page, ["still live"]);
    await context.close();
  });
});

describe("finding and moving between conversations", { timeout: 90_000 }, () => {
  it("previews each conversation's last message and time, and filters conversations and people from Ctrl+K", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob", "Bob Baker"), createUser(server.url, "carol", "Carol Cole")]);
    const direct = await createConversation(server.url, alice, [bob]);
    await createConversation(server.url, alice, [bob, carol], "Book club");
    await postMessage(server.url, bob, direct, "see you at noon");
    const { context, page } = await openAs(alice, "/chat");
    const row = conversationLink(page, "Bob Baker");
    await expect(row.innerText()).resolves.toContain("see you at noon");
    await expect(row.locator("time").getAttribute("datetime")).resolves.toMatch(/^\d{4}-/);

    await page.keyboard.press("Control+k");
    const filter = page.getByRole("searchbox", { name: "Filter conversations and people" });
    await expect(filter.evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    await page.keyboard.type("book");
    const links = page.getByRole("navigation", { name: "Conversations" }).getByRole("link");
    await expect.poll(() => links.allInnerTexts()).toEqual([expect.stringContaining("Book club")]);
    await filter.fill(carol.username);
    await expect.poll(() => links.allInnerTexts()).toEqual([expect.stringContaining("Book club")]);
    await page.getByRole("button", { name: /^Chat with Carol Cole/ }).waitFor();
    await expect(page.getByRole("region", { name: "People" }).getByRole("button").count()).resolves.toBe(1);
    await filter.press("Escape");
    await expect(filter.inputValue()).resolves.toBe("");
    await expect.poll(() => links.count()).toBe(2);
    await context.close();
  });

  it("moves to the next and previous conversation with Alt+Down and Alt+Up", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob", "Bob Baker"), createUser(server.url, "carol", "Carol Cole")]);
    const withBob = await createConversation(server.url, alice, [bob]);
    const withCarol = await createConversation(server.url, alice, [carol]);
    await postMessage(server.url, bob, withBob, "older");
    await postMessage(server.url, carol, withCarol, "newer");
    const { context, page } = await openAs(alice, `/chat?c=${withCarol}`);
    await page.keyboard.press("Alt+ArrowDown");
    await page.getByTestId("conversation-title").filter({ hasText: "Bob Baker" }).waitFor();
    await page.keyboard.press("Alt+ArrowUp");
    await page.getByTestId("conversation-title").filter({ hasText: "Carol Cole" }).waitFor();
    await context.close();
  });
});

describe("look and accessibility", { timeout: 120_000 }, () => {
  it("shows an unknown address a page in the site's look, without axe violations, that leads back", async () => {
    const { context, page } = await newPage(browser, server.url, { colorScheme: "dark" });
    expect((await page.goto("/no-such-page"))?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    const back = page.getByRole("link", { name: "Back to Pneumatic Chat" });
    // The site's stylesheet applies: the link is an indigo button.
    await expect(back.evaluate((link) => getComputedStyle(link).backgroundColor)).resolves.not.toBe("rgba(0, 0, 0, 0)");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "not-found");
    // The page is prerendered without a nonce: by its policy, none of Next's scripts run on it.
    expect(cspViolations.splice(0).every((violation) => /script/i.test(violation))).toBe(true);
    await back.click();
    await page.getByRole("button", { name: "Log in" }).waitFor();
    await context.close();
  });

  it("has no axe violations on the login page (with its errors shown) and the chat, light and dark, on desktop and phone", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker")]);
    const direct = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, bob, direct, "hello **there** https://example.com");
    await postMessage(server.url, alice, direct, "hi @" + bob.username);
    const violations: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      for (const options of [{}, PHONE]) {
        const where = `${colorScheme} ${options === PHONE ? "phone" : "desktop"}`;
        const { context, page } = await newPage(browser, server.url, { ...options, colorScheme });
        await page.goto("/");
        violations.push(...(await axeViolations(page)).map((violation) => `${where} /: ${violation}`));
        await page.getByRole("tab", { name: "Sign up" }).click();
        await page.getByRole("button", { name: "Create account" }).click();
        await page.locator("#signup-username-error").waitFor();
        violations.push(...(await axeViolations(page)).map((violation) => `${where} / with errors: ${violation}`));
        await logIn(page, alice.username, alice.password);
        violations.push(...(await axeViolations(page)).map((violation) => `${where} /chat: ${violation}`));
        await page.goto(`/chat?c=${direct}`);
        await expectMessages(page, ["hello there https://example.com", `hi @${bob.username}`]);
        violations.push(...(await axeViolations(page)).map((violation) => `${where} /chat?c=: ${violation}`));
        await screenshot(page, `chat-${colorScheme}-${options === PHONE ? "phone" : "desktop"}`);
        await context.close();
      }
    }
    expect(violations).toEqual([]);
  });

  it("follows the system's dark mode, has a favicon, and uses a wide screen", async () => {
    const alice = await createUser(server.url, "alice");
    const { context, page } = await newPage(browser, server.url, { colorScheme: "dark", viewport: { width: 1920, height: 1080 } });
    await logIn(page, alice.username, alice.password);
    const background = await page.locator("main").evaluate((main) => getComputedStyle(main.parentElement!).backgroundColor);
    const lightness = await page.evaluate((color) => {
      const canvas = document.createElement("canvas").getContext("2d")!;
      canvas.fillStyle = color;
      canvas.fillRect(0, 0, 1, 1);
      const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
      return (r! + g! + b!) / 3;
    }, background);
    expect(lightness).toBeLessThan(60);
    const icon = await page.locator('link[rel~="icon"]').first().getAttribute("href");
    const response = await fetch(new URL(icon!, server.url));
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "image/svg+xml"]);
    const width = await page.locator("main").evaluate((main) => main.parentElement!.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(1600);
    await context.close();
  });
});
