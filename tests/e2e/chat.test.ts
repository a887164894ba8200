import type { Browser, Page, WebSocketRoute } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, uniqueName } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { cspViolations, expectLive, expectMessages, launchBrowser, logIn, newPage, screenshot, sendMessage, signUp } from "./browser";

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

function conversationLink(page: Page, name: string) {
  return page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: new RegExp(name) });
}

describe("web UI", { timeout: 90_000 }, () => {
  it("sends a visitor who is not signed in from /chat to the login page", async () => {
    const { context, page } = await newPage(browser, server.url);
    await page.goto("/chat");
    expect(new URL(page.url()).pathname).toBe("/");
    await expect(page.getByRole("tab", { name: "Log in" }).getAttribute("aria-selected")).resolves.toBe("true");
    await context.close();
  });

  it("shows sign-up mistakes inline, next to the field", async () => {
    const { context, page } = await newPage(browser, server.url);
    await page.goto("/");
    await page.getByRole("tab", { name: "Sign up" }).click();
    await page.getByLabel("Username").fill("ab");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Username must be at least 3 characters").isVisible()).resolves.toBe(true);
    await expect(page.getByText("Password must be at least 8 characters").isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Username").getAttribute("aria-invalid")).resolves.toBe("true");

    const taken = await createUser(server.url, "taken");
    await page.getByLabel("Username").fill(taken.username);
    await page.getByLabel("Password").fill("long enough password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Username already registered").waitFor();
    await screenshot(page, "signup-errors");
    await context.close();
  });

  it("refuses a wrong password with a message and no session", async () => {
    const user = await createUser(server.url, "wrongpw");
    const { context, page } = await newPage(browser, server.url);
    await page.goto("/");
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").filter({ hasText: "Incorrect username or password" }).waitFor();
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).not.toContain("next-auth.session-token");
    await context.close();
  });

  it("lets two people chat 1-on-1 and in a group, live, with history kept across a reload", async () => {
    const alice = { username: uniqueName("alice"), fullName: "Alice Archer" };
    const bob = { username: uniqueName("bob"), fullName: "Bob Baker" };
    const carol = await createUser(server.url, "carol", "Carol Cole");
    const a = await newPage(browser, server.url);
    const b = await newPage(browser, server.url);
    await signUp(a.page, alice.username, alice.fullName);
    await signUp(b.page, bob.username, bob.fullName);

    const session = (await a.context.cookies()).find((cookie) => cookie.name === "next-auth.session-token");
    expect(session?.httpOnly).toBe(true);
    expect(await a.page.evaluate(() => Object.keys(window.localStorage))).toEqual([]);

    // Alice opens a 1-on-1 from the people list (she has loaded after Bob signed up).
    await a.page.reload();
    await a.page.getByRole("button", { name: `Chat with ${bob.fullName}` }).click();
    await a.page.getByTestId("conversation-title").filter({ hasText: bob.fullName }).waitFor();
    await a.page.getByText("No messages yet. Say hello!").waitFor();
    await sendMessage(a.page, "Hi Bob!");
    await expectMessages(a.page, ["Hi Bob!"]);

    // Bob's sidebar learns about the conversation from its first message, without a reload.
    await conversationLink(b.page, alice.fullName).click();
    await expectMessages(b.page, ["Hi Bob!"]);
    await sendMessage(b.page, "Hello Alice 👋");
    await expectMessages(a.page, ["Hi Bob!", "Hello Alice 👋"]);
    await expectMessages(b.page, ["Hi Bob!", "Hello Alice 👋"]);

    // Clicking Bob again reuses the 1-on-1.
    await a.page.getByRole("button", { name: `Chat with ${bob.fullName}` }).click();
    await expectMessages(a.page, ["Hi Bob!", "Hello Alice 👋"]);
    await expect(conversationLink(a.page, bob.fullName).count()).resolves.toBe(1);

    // A group: an unknown username is reported by name; then it is created with both others.
    await a.page.getByRole("button", { name: "+ New Group Chat" }).click();
    await a.page.getByLabel("Group name").fill("Weekend trip");
    await a.page.getByLabel("Members (usernames, comma-separated)").fill(`${bob.username}, ghost_nobody`);
    await a.page.getByRole("button", { name: "Create group" }).click();
    await a.page.getByText("Unknown username: ghost_nobody").waitFor();
    await a.page.getByLabel("Members (usernames, comma-separated)").fill(`${bob.username}, ${carol.username}`);
    await a.page.getByRole("button", { name: "Create group" }).click();
    await a.page.getByTestId("conversation-title").filter({ hasText: "👥 Weekend trip" }).waitFor();
    await sendMessage(a.page, "Who brings the tent?");
    await expectMessages(a.page, ["Who brings the tent?"]);

    const groupLink = conversationLink(b.page, "Weekend trip");
    await expect(groupLink.innerText()).resolves.toContain("3 members");
    await groupLink.click();
    await expectMessages(b.page, ["Who brings the tent?"]);
    await postMessage(server.url, carol, b.page.url().split("c=")[1]!, "I do!");
    await expectMessages(a.page, ["Who brings the tent?", "I do!"]);
    await expectMessages(b.page, ["Who brings the tent?", "I do!"]);
    await screenshot(a.page, "desktop-group-sender");
    await screenshot(b.page, "desktop-group-receiver");

    await b.page.reload();
    await expectMessages(b.page, ["Who brings the tent?", "I do!"]);
    await conversationLink(b.page, alice.fullName).click();
    await expectMessages(b.page, ["Hi Bob!", "Hello Alice 👋"]);
    await screenshot(b.page, "desktop-direct-after-reload");
    await a.context.close();
    await b.context.close();
  });

  it("opens at the newest message, follows new ones, and loads older history on scrolling to the top", async () => {
    const [dana, erin] = await Promise.all([createUser(server.url, "dana"), createUser(server.url, "erin")]);
    const conversationId = await createConversation(server.url, dana, [erin]);
    for (let i = 1; i <= 70; i++) await postMessage(server.url, erin, conversationId, `note ${i}`);
    const { context, page } = await newPage(browser, server.url);
    await logIn(page, dana.username);
    await page.goto(`/chat?c=${conversationId}`);
    await expect.poll(() => page.getByTestId("message").count()).toBe(50);
    // The oldest block is far out of view by now and may be unrendered: its text, not its rendering.
    await expect(page.getByTestId("message").first().textContent()).resolves.toContain("note 21");
    const log = page.getByRole("log", { name: "Messages" });
    const distanceFromBottom = () =>
      log.evaluate((list) => {
        const scroller = list.parentElement!;
        return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      });
    await expect.poll(distanceFromBottom).toBeLessThan(2);
    await postMessage(server.url, erin, conversationId, "a new one at the bottom");
    await page.getByTestId("message").filter({ hasText: "a new one at the bottom" }).waitFor();
    await expect.poll(distanceFromBottom).toBeLessThan(2);

    await log.evaluate((list) => {
      list.parentElement!.scrollTop = 0;
    });
    await expect.poll(() => page.getByTestId("message").count()).toBe(71);
    await expect(page.getByTestId("message").first().innerText()).resolves.toContain("note 1");
    await expect(page.getByRole("button", { name: "Load older messages" }).count()).resolves.toBe(0);
    await context.close();
  });

  it("leaves loaded history far out of view unrendered, and renders it again when a jump goes there", async () => {
    const [hal, ida] = await Promise.all([createUser(server.url, "hal"), createUser(server.url, "ida")]);
    const conversationId = await createConversation(server.url, hal, [ida]);
    const first = await postMessage(server.url, ida, conversationId, "the very first");
    for (let i = 2; i <= 160; i++) await postMessage(server.url, ida, conversationId, `line ${i}`);
    await api(server.url, "POST", "/messages", {
      token: ida.token,
      json: { message_id: uniqueName("reply"), conversation_id: conversationId, content: "answering the first", reply_to: first.body.id },
    });
    const { context, page } = await newPage(browser, server.url);
    await logIn(page, hal.username);
    await page.goto(`/chat?c=${conversationId}`);
    const scroller = page.getByRole("region", { name: "Message history" });
    const messages = page.getByTestId("message");
    for (let shown = await messages.count(); shown < 161; shown = await messages.count()) {
      await scroller.evaluate((element) => (element.scrollTop = 0));
      await expect.poll(() => messages.count()).toBeGreaterThan(shown);
    }
    await scroller.evaluate((element) => (element.scrollTop = element.scrollHeight));
    const oldest = page.locator(".timeline-block").first();
    await expect.poll(() => oldest.evaluate((block) => block.hasAttribute("data-far") && getComputedStyle(block).contentVisibility)).toBe("auto");

    await page.getByTestId("quoted-reply").filter({ hasText: "the very first" }).click();
    await page.locator("[data-focused]").filter({ hasText: "the very first" }).waitFor();
    await expect.poll(() => oldest.evaluate((block) => block.hasAttribute("data-far"))).toBe(false);
    expect(await page.locator("[data-focused]").isVisible()).toBe(true);
    await context.close();
  });

  it("reconnects after the connection drops and shows what was sent meanwhile", async () => {
    const [fay, gus] = await Promise.all([createUser(server.url, "fay"), createUser(server.url, "gus")]);
    const conversationId = await createConversation(server.url, fay, [gus]);
    await postMessage(server.url, gus, conversationId, "before the drop");
    const { context, page } = await newPage(browser, server.url);
    let blocked = false;
    const open: WebSocketRoute[] = [];
    await context.routeWebSocket(/\/ws$/, (socket) => {
      if (blocked) return socket.close({ code: 1006 });
      socket.connectToServer();
      open.push(socket);
    });
    await logIn(page, fay.username);
    await page.goto(`/chat?c=${conversationId}`);
    await expectLive(page);
    await expectMessages(page, ["before the drop"]);

    blocked = true;
    for (const socket of open.splice(0)) await socket.close();
    await page.getByRole("status", { name: "Connection: Reconnecting…" }).waitFor();
    await postMessage(server.url, gus, conversationId, "while you were away");
    blocked = false;

    await expectLive(page);
    await expectMessages(page, ["before the drop", "while you were away"]);
    await context.close();
  });

  it("logs out, after which /chat sends back to the login page", async () => {
    const user = await createUser(server.url, "leaver");
    const { context, page } = await newPage(browser, server.url);
    await logIn(page, user.username);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("tab", { name: "Log in" }).waitFor();
    await page.goto("/chat");
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });

  it("ends the session on log out, so a copied session cookie stops working", async () => {
    const user = await createUser(server.url, "copied");
    const { context, page } = await newPage(browser, server.url);
    await logIn(page, user.username);
    const copied = (await context.cookies()).map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("tab", { name: "Log in" }).waitFor();
    const session = await fetch(`${server.url}/api/auth/session`, { headers: { cookie: copied } });
    expect(await session.json()).toEqual({});
    await context.close();
  });

  it("returns to log-in when the session is revoked elsewhere, keeping the typed draft", async () => {
    const [user, friend] = await Promise.all([createUser(server.url, "revoked"), createUser(server.url, "friend")]);
    const conversationId = await createConversation(server.url, user, [friend]);
    const { context, page } = await newPage(browser, server.url);
    await logIn(page, user.username);
    await page.goto(`/chat?c=${conversationId}`);
    await expectLive(page);
    await page.getByRole("textbox", { name: "Message" }).fill("half-typed thought");

    const newPassword = "a brand new password";
    await api(server.url, "POST", "/auth/password", { token: user.token, json: { current_password: user.password, new_password: newPassword } });
    await page.waitForURL((url) => url.pathname === "/");

    await logIn(page, user.username, newPassword);
    await page.goto(`/chat?c=${conversationId}`);
    await expect.poll(() => page.getByRole("textbox", { name: "Message" }).inputValue()).toBe("half-typed thought");
    await context.close();
  });
});
