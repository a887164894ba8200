import type { Browser, BrowserContextOptions, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { TestSocket } from "../support/ws";
import { conversationLink, cspViolations, expectLive, expectMessages, launchBrowser, logIn, newPage, openLive, PHONE, screenshot, sendMessage } from "./browser";

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

function unreadBadge(page: Page, name: string) {
  return conversationLink(page, name).getByTestId("unread");
}

/** The badge's words, as a screen reader gets them. */
function unreadText(page: Page, name: string) {
  return unreadBadge(page, name).textContent();
}

/** Pretends the user switched to another tab: the page's visibility is all the app looks at. */
function hideTab(page: Page) {
  return page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    document.dispatchEvent(new Event("visibilitychange"));
  });
}

describe("unread state in the browser", { timeout: 90_000 }, () => {
  it("counts unread messages in the sidebar, the tab title and the favicon, on every device of the user", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker"), createUser(server.url, "carol")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const elsewhere = await createConversation(server.url, alice, [carol]);
    const desk = await openAs(alice, `/chat?c=${elsewhere}`);
    const phone = await openAs(alice, "/chat", PHONE);
    const b = await openAs(bob, `/chat?c=${direct}`);

    await sendMessage(b.page, "one");
    await sendMessage(b.page, "two");
    for (const page of [desk.page, phone.page]) {
      await expect.poll(() => unreadText(page, "Bob Baker")).toBe("2 unread");
    }
    await expect(conversationLink(desk.page, "Bob Baker").getByTestId("conversation-name").evaluate((name) => getComputedStyle(name).fontWeight)).resolves.toBe("700");
    await expect.poll(() => desk.page.title()).toBe("(2) Chat · Pneumatic Chat");
    await expect.poll(() => desk.page.locator('link[rel~="icon"]').first().getAttribute("href")).toMatch(/^data:image\/png;base64,/);
    await screenshot(desk.page, "unread-sidebar");
    await screenshot(phone.page, "unread-sidebar-phone");
    await desk.context.close();
    await phone.context.close();
    await b.context.close();
  });

  it("shows the unread total in the title and favicon right after logging in and on a page opened by its URL", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob"), createUser(server.url, "carol")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const read = await createConversation(server.url, alice, [carol]);
    await postMessage(server.url, bob, direct, "unread");
    const { context, page } = await newPage(browser, server.url);
    await logIn(page, alice.username, alice.password);
    const icon = () => page.locator('link[rel~="icon"]').first().getAttribute("href");
    await expect.poll(() => page.title()).toBe("(1) Chat · Pneumatic Chat");
    await expect.poll(icon).toMatch(/^data:image\/png;base64,/);
    await page.goto(`/chat?c=${read}`);
    await expectLive(page);
    await expect.poll(() => page.title()).toMatch(/^\(1\) /);
    await expect.poll(icon).toMatch(/^data:image\/png;base64,/);
    await context.close();
  });

  it("takes a deleted unread message out of the count and its @ mark, and forgets a group the user is removed from", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob"), createUser(server.url, "carol")]);
    const group = await createConversation(server.url, alice, [bob, carol], "Plans", true);
    const elsewhere = await createConversation(server.url, carol, [bob]);
    const { context, page } = await openAs(bob, `/chat?c=${elsewhere}`);
    const naming = await postMessage(server.url, alice, group, `look @${bob.username}`);
    await postMessage(server.url, alice, group, "and this");
    const mark = conversationLink(page, "Plans").getByTestId("mentioned");
    await expect.poll(() => page.title()).toBe("(2) Chat · Pneumatic Chat");
    await mark.waitFor();

    expect((await api(server.url, "DELETE", `/messages/${naming.body.id}`, { token: alice.token })).status).toBe(200);
    await expect.poll(() => page.title()).toBe("(1) Chat · Pneumatic Chat");
    await expect.poll(() => unreadText(page, "Plans")).toBe("1 unread");
    await mark.waitFor({ state: "detached" });

    expect((await api(server.url, "DELETE", `/conversations/${group}/members/${bob.id}`, { token: alice.token })).status).toBeLessThan(300);
    await expect.poll(() => conversationLink(page, "Plans").count()).toBe(0);
    await expect.poll(() => page.title()).toBe("Chat · Pneumatic Chat");
    await context.close();
  });

  it("keeps the tab titled while the chat renders again as its connection goes live", async () => {
    const alice = await createUser(server.url, "alice");
    const { context, page } = await newPage(browser, server.url);
    await context.addInitScript(() => {
      const untitled: string[] = [];
      Object.assign(window, { __untitled: untitled });
      new MutationObserver(() => {
        if (document.readyState !== "loading" && !document.title) untitled.push(location.pathname);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    // Next's router may cancel a render's body once it has read what it needs: done either way.
    let renders = 0;
    const settled = (request: Request) => {
      if (request.headers()["rsc"] === "1" && new URL(request.url()).pathname === "/chat") renders++;
    };
    page.on("requestfinished", settled);
    page.on("requestfailed", settled);
    await logIn(page, alice.username, alice.password);
    // The move from the login page, then the render again that going live asks for.
    await expect.poll(() => renders).toBeGreaterThanOrEqual(2);
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done))));
    await expect(page.evaluate(() => (window as { __untitled?: string[] }).__untitled)).resolves.toEqual([]);
    await expect(page.title()).resolves.toBe("Chat · Pneumatic Chat");
    await context.close();
  });

  it("marks a conversation read when its newest message is seen, for all the user's devices, below a 'new messages' line", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker")]);
    const direct = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, alice, direct, "already read");
    const desk = await openAs(alice, "/chat");
    const phone = await openAs(alice, "/chat", PHONE);
    await postMessage(server.url, bob, direct, "first unread");
    await postMessage(server.url, bob, direct, "second unread");
    await expect.poll(() => unreadBadge(phone.page, "Bob Baker").count()).toBe(1);

    await conversationLink(desk.page, "Bob Baker").click();
    await expectMessages(desk.page, ["already read", "first unread", "second unread"]);
    const items = desk.page.getByRole("log", { name: "Messages" }).getByRole("listitem");
    const texts = await items.evaluateAll((nodes) => nodes.map((node) => (node.getAttribute("data-testid") === "new-messages" ? "---" : null)));
    const line = texts.indexOf("---");
    await expect(items.nth(line + 1).innerText()).resolves.toContain("first unread");
    await expect.poll(() => unreadBadge(desk.page, "Bob Baker").count()).toBe(0);
    await expect.poll(() => unreadBadge(phone.page, "Bob Baker").count()).toBe(0);
    await expect.poll(() => desk.page.title()).toBe("Chat · Pneumatic Chat");
    const conversations = await api<{ conversations: { id: string; unread_count: number }[] }>(server.url, "GET", "/conversations", { token: alice.token });
    expect(conversations.body.conversations.find((conversation) => conversation.id === direct)?.unread_count).toBe(0);
    await desk.context.close();
    await phone.context.close();
  });

  it("paces the read markers of a reader following a busy conversation, the last one included", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const reader = await openAs(alice, `/chat?c=${direct}`);
    const marked: number[] = [];
    reader.page.on("websocket", (socket) =>
      socket.on("framesent", ({ payload }) => {
        const frame = JSON.parse(String(payload)) as { type: string; seq?: number };
        if (frame.type === "read") marked.push(frame.seq!);
      }),
    );
    await reader.page.reload();
    await expectLive(reader.page);
    const sent = await Promise.all(Array.from({ length: 20 }, (_, index) => postMessage(server.url, bob, direct, `busy ${index}`)));
    const newest = Math.max(...sent.map((response) => response.body.seq));
    const lastRead = async () =>
      (await api<{ conversations: { id: string; last_read_seq: number }[] }>(server.url, "GET", "/conversations", { token: alice.token })).body.conversations.find(
        (conversation) => conversation.id === direct,
      )?.last_read_seq;
    await expect.poll(lastRead).toBe(newest);
    expect(marked.at(-1)).toBe(newest);
    expect(marked.length).toBeLessThanOrEqual(4);
    await reader.context.close();
  });

  it("shows 'Seen' under the user's last 1-on-1 message once the other person has read it, also after a reload", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const a = await openAs(alice, `/chat?c=${direct}`, PHONE);
    const b = await openAs(bob, "/chat");
    await sendMessage(a.page, "are you there?");
    await expect(a.page.getByTestId("seen").count()).resolves.toBe(0);
    await conversationLink(b.page, "Alice Archer").click();
    await expectMessages(b.page, ["are you there?"]);
    await a.page.getByTestId("seen").waitFor();
    await expect(a.page.getByTestId("message").last().innerText()).resolves.toContain("are you there?");
    await a.page.reload();
    await expectMessages(a.page, ["are you there?"]);
    await a.page.getByTestId("seen").waitFor();
    await screenshot(a.page, "seen-phone");
    await a.context.close();
    await b.context.close();
  });

  it("offers 'Jump to latest' when scrolled up, and reads what arrived only once it is on screen", async () => {
    const [dana, erin] = await Promise.all([createUser(server.url, "dana"), createUser(server.url, "erin", "Erin Ellis")]);
    const direct = await createConversation(server.url, dana, [erin]);
    for (let i = 1; i <= 40; i++) await postMessage(server.url, erin, direct, `note ${i}`);
    const { context, page } = await openAs(dana, `/chat?c=${direct}`);
    await expect.poll(() => page.getByTestId("message").count()).toBe(40);
    const scroller = page.getByRole("region", { name: "Message history" });
    await scroller.evaluate((element) => {
      element.scrollTop = element.scrollHeight / 3;
    });
    const jump = page.getByRole("button", { name: "Jump to latest" });
    await jump.waitFor();

    await postMessage(server.url, erin, direct, "while you scrolled");
    await expect.poll(() => unreadText(page, "Erin Ellis")).toBe("1 unread");
    await jump.click();
    await expect.poll(() => scroller.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThan(2);
    await expect.poll(() => unreadBadge(page, "Erin Ellis").count()).toBe(0);
    await expect(jump.count()).resolves.toBe(0);
    await context.close();
  });
});

describe("alerts for messages the user is not looking at", { timeout: 90_000 }, () => {
  /** Records notifications, permission requests and chimes: headless Chromium shows and plays none. */
  async function recordAlerts(page: Page) {
    await page.context().addInitScript(() => {
      const record = { notifications: [] as string[], permissionRequests: 0, chimes: 0 };
      Object.assign(window, { __alerts: record });
      class RecordedNotification {
        static permission: NotificationPermission = "default";
        static requestPermission = async () => {
          record.permissionRequests++;
          RecordedNotification.permission = "granted";
          return "granted";
        };
        onclick: (() => void) | null = null;
        constructor(title: string) {
          record.notifications.push(title);
        }
        close() {}
      }
      Object.defineProperty(window, "Notification", { value: RecordedNotification });
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args: Parameters<OscillatorNode["start"]>) {
        record.chimes++;
        return start.apply(this, args);
      };
    });
  }
  const alerts = (page: Page) => page.evaluate(() => (window as unknown as { __alerts: { notifications: string[]; permissionRequests: number; chimes: number } }).__alerts);

  it("asks for notification permission once, from a click, and notifies while the tab is hidden", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob", "Bob Baker"), createUser(server.url, "carol")]);
    const direct = await createConversation(server.url, bob, [alice]);
    const group = await createConversation(server.url, carol, [alice, bob], "Book club");
    const { context, page } = await newPage(browser, server.url);
    await recordAlerts(page);
    await logIn(page, alice.username, alice.password);
    await page.goto(`/chat?c=${group}`);
    await expectLive(page);
    await expect(alerts(page)).resolves.toMatchObject({ permissionRequests: 0 });
    await page.getByRole("button", { name: /Notify me of new messages/ }).click();
    await expect.poll(() => page.getByRole("button", { name: /Notify me of new messages/ }).count()).toBe(0);

    await hideTab(page);
    await postMessage(server.url, bob, direct, "psst");
    await postMessage(server.url, bob, group, "hello club");
    await expect.poll(async () => (await alerts(page)).notifications).toEqual(["Bob Baker", "Bob Baker in 👥 Book club"]);
    await expect(alerts(page)).resolves.toMatchObject({ permissionRequests: 1 });
    await context.close();
  });

  it("chimes for a message in another conversation, until the sound is turned off", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob"), createUser(server.url, "carol")]);
    const direct = await createConversation(server.url, bob, [alice]);
    const open = await createConversation(server.url, alice, [carol]);
    const { context, page } = await newPage(browser, server.url, PHONE);
    await recordAlerts(page);
    await logIn(page, alice.username, alice.password);
    await page.goto(`/chat?c=${open}`);
    await expectLive(page);

    await postMessage(server.url, carol, open, "in the open conversation");
    await expectMessages(page, ["in the open conversation"]);
    await postMessage(server.url, bob, direct, "elsewhere");
    await expect.poll(async () => (await alerts(page)).chimes).toBeGreaterThan(0);
    const chimes = (await alerts(page)).chimes;

    await page.getByRole("link", { name: "Back to conversations" }).tap();
    const toggle = page.getByRole("switch", { name: /Sound for new messages/ });
    await toggle.tap();
    await expect(toggle.getAttribute("aria-checked")).resolves.toBe("false");
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await postMessage(server.url, bob, direct, "quietly");
    await expect.poll(() => unreadText(page, bob.username)).toBe("2 unread");
    await expect(alerts(page)).resolves.toMatchObject({ chimes });
    await context.close();
  });
});

describe("typing and presence in the browser", { timeout: 90_000 }, () => {
  it("shows who is typing in the open conversation until their message arrives", async () => {
    const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker"), createUser(server.url, "carol", "Carol Cole")]);
    const group = await createConversation(server.url, alice, [bob, carol], "Plans");
    const a = await openAs(alice, `/chat?c=${group}`);
    const b = await openAs(bob, `/chat?c=${group}`, PHONE);
    const c = await openAs(carol, `/chat?c=${group}`);

    await b.page.getByRole("textbox", { name: "Message" }).pressSequentially("on my w");
    for (const page of [a.page, c.page]) await expect.poll(() => page.getByTestId("typing").innerText()).toBe("Bob Baker is typing…");
    await expect(b.page.getByTestId("typing").innerText()).resolves.toBe("");
    await screenshot(a.page, "typing");
    await b.page.getByRole("textbox", { name: "Message" }).press("Enter");
    await expectMessages(a.page, ["on my w"]);
    await expect.poll(() => a.page.getByTestId("typing").innerText()).toBe("");
    for (const session of [a, b, c]) await session.context.close();
  });

  it("shows presence and 'Seen' that changed while the page was still loading", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const sent = await postMessage(server.url, bob, direct, "did you read this?");
    const b = await newPage(browser, server.url);
    await logIn(b.page, bob.username, bob.password);
    // The page is rendered (Alice offline, the message unread) while its scripts are slow to come.
    await b.page.route("**/_next/static/chunks/**", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await route.continue();
    });
    await b.page.goto(`/chat?c=${direct}`, { waitUntil: "commit" });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const aliceSocket = await TestSocket.open(server.url, { token: alice.token });
    await api(server.url, "POST", `/conversations/${direct}/read`, { token: alice.token, json: { seq: sent.body.seq } });
    await expectLive(b.page);
    await b.page.unroute("**/_next/static/chunks/**");
    await expect.poll(() => b.page.getByTestId("conversation-title").getByTestId("presence").getAttribute("data-online")).toBe("true");
    await b.page.getByTestId("seen").waitFor();
    await aliceSocket.close();
    await b.context.close();
  });

  it("shows a person online while they are connected and offline once they leave", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker")]);
    const direct = await createConversation(server.url, alice, [bob]);
    const a = await openAs(alice, `/chat?c=${direct}`);
    const dot = a.page.getByTestId("conversation-title").getByTestId("presence");
    await expect(dot.getAttribute("data-online")).resolves.toBe("false");

    const b = await openAs(bob, "/chat", PHONE);
    await expect.poll(() => dot.getAttribute("data-online")).toBe("true");
    await expect.poll(() => conversationLink(a.page, "Bob Baker").getByTestId("presence").getAttribute("data-online")).toBe("true");
    await expect.poll(() => conversationLink(b.page, "Alice Archer").getByTestId("presence").getAttribute("data-online")).toBe("true");
    await b.context.close();
    await expect.poll(() => dot.getAttribute("data-online")).toBe("false");
    await a.context.close();
  });
});
