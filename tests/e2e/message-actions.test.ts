import { randomUUID } from "node:crypto";

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEFAULT_PAGE_SIZE } from "@/lib/chat/limits";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { axeViolations } from "./axe";
import { expectLive, expectMessages, launchBrowser, logIn, newPage, screenshot, sendMessage } from "./browser";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function openAs(user: TestUser, conversationId: string, options: Parameters<Browser["newContext"]>[0] = {}) {
  const session = await newPage(browser, server.url, options);
  await logIn(session.page, user.username, user.password);
  await session.page.goto(`/chat?c=${conversationId}`);
  // On a phone the open conversation hides the sidebar; the conversation's header shows the connection instead.
  await expectLive(session.page);
  return session;
}

function bubble(page: Page, text: string) {
  return page.getByTestId("message").filter({ has: page.getByTestId("message-body").filter({ hasText: text }) });
}

/** The message showing this text now, found again by its id after its text changes. */
async function messageAt(page: Page, text: string) {
  const id = await bubble(page, text).getAttribute("data-message-id");
  return page.locator(`[data-message-id="${id}"]`);
}

describe("acting on messages in the browser", { timeout: 120_000 }, () => {
  it("keeps script payloads inert and renders Markdown and safe links", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const payloads = [
      "<img src=x onerror=\"window.__pwned = 'img'\">",
      "<script>window.__pwned = 'script'</script>",
      "[click me](javascript:window.__pwned='link')",
      "**bold** _italic_ `code` https://example.com/safe",
      "> quoted\n\n```\n<b>not bold</b>\n```",
      `unbroken${"x".repeat(300)}`,
    ];
    for (const content of payloads) await postMessage(server.url, alice, conversationId, content);
    const { context, page } = await openAs(bob, conversationId);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await bubble(page, "unbroken").waitFor();

    const log = page.getByRole("log", { name: "Messages" });
    expect(await log.locator("img, script, iframe").count()).toBe(0);
    expect(await log.getByText("<img src=x onerror=").count()).toBe(1);
    await log.getByText("click me").click();
    expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await log.locator('a[href^="javascript"]').count()).toBe(0);

    const link = log.getByRole("link", { name: "https://example.com/safe" });
    expect([await link.getAttribute("target"), await link.getAttribute("rel")]).toEqual(["_blank", "noopener noreferrer"]);
    expect(await log.locator("strong").innerText()).toBe("bold");
    expect(await log.locator("blockquote").innerText()).toBe("quoted");
    expect((await log.locator("pre").innerText()).trim()).toBe("<b>not bold</b>");

    const long = bubble(page, "unbroken").getByTestId("message-body");
    const [width, logWidth] = await Promise.all([long.evaluate((element) => element.scrollWidth), log.evaluate((element) => element.clientWidth)]);
    expect(width).toBeLessThanOrEqual(logWidth);
    expect(dialogs).toEqual([]);
    await screenshot(page, "message-rendering");
    await context.close();
  });

  it("edits, reacts, replies and deletes, live on the other member's screen", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice A"), createUser(server.url, "bob", "Bob B")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, alice, conversationId, "first thought");
    const a = await openAs(alice, conversationId);
    const b = await openAs(bob, conversationId);

    await bubble(a.page, "first thought").waitFor();
    const mine = await messageAt(a.page, "first thought");
    await mine.hover();
    await mine.getByRole("button", { name: "Edit" }).click();
    await mine.getByRole("textbox", { name: "Edit message" }).fill("second thought");
    await mine.getByRole("textbox", { name: "Edit message" }).press("Enter");
    await bubble(b.page, "second thought").getByTestId("edited").waitFor();

    const theirs = await messageAt(b.page, "second thought");
    await theirs.hover();
    await theirs.getByRole("button", { name: "React" }).click();
    await b.page.getByRole("button", { name: "React with 🎉" }).click();
    const chip = bubble(a.page, "second thought").getByRole("button", { name: "🎉 1" });
    await chip.click();
    await bubble(b.page, "second thought").getByRole("button", { name: "🎉 2, including you" }).waitFor();
    await bubble(b.page, "second thought").getByRole("button", { name: "🎉 2, including you" }).click();
    await bubble(a.page, "second thought").getByRole("button", { name: "🎉 1, including you" }).waitFor();

    await theirs.hover();
    await theirs.getByRole("button", { name: "Reply" }).click();
    await b.page.getByTestId("replying-to").filter({ hasText: "second thought" }).waitFor();
    await sendMessage(b.page, "a reply");
    const quote = bubble(a.page, "a reply").getByTestId("quoted-reply");
    await quote.filter({ hasText: "second thought" }).waitFor();
    expect(await axeViolations(a.page)).toEqual([]);
    await quote.click();
    await a.page.locator("[data-focused]").filter({ hasText: "second thought" }).waitFor();

    const original = await messageAt(a.page, "second thought");
    await original.hover();
    await original.getByRole("button", { name: "Delete" }).click();
    await a.page.getByRole("alertdialog", { name: "Delete this message?" }).getByRole("button", { name: "Delete" }).click();
    await expectMessages(b.page, ["This message was deleted", "a reply"]);
    await b.page.getByTestId("quoted-reply").filter({ hasText: "deleted" }).waitFor();
    await expectMessages(a.page, ["This message was deleted", "a reply"]);
    // The user's own deleted message, on their indigo bubble, is as readable as any other text.
    expect(await axeViolations(a.page)).toEqual([]);
    await screenshot(b.page, "message-actions");
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("quotes an original older than the loaded history, and follows its edit", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const original = await postMessage(server.url, alice, conversationId, "the very first word");
    for (let index = 0; index < DEFAULT_PAGE_SIZE; index++) await postMessage(server.url, alice, conversationId, `filler ${index}`);
    await api(server.url, "POST", "/messages", {
      token: bob.token,
      json: { message_id: randomUUID(), conversation_id: conversationId, content: "answering that", reply_to: original.body.id },
    });
    const b = await openAs(bob, conversationId);
    const quote = bubble(b.page, "answering that").getByTestId("quoted-reply");
    await quote.filter({ hasText: "the very first word" }).waitFor();
    expect(await bubble(b.page, "the very first word").count()).toBe(0);
    await api(server.url, "PATCH", `/messages/${original.body.id}`, { token: alice.token, json: { content: "the very first word, edited" } });
    await quote.filter({ hasText: "the very first word, edited" }).waitFor();
    await b.context.close();
  });

  it("opens the actions with a long press on a phone", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, alice, conversationId, "press and hold");
    const { context, page } = await openAs(bob, conversationId, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const target = bubble(page, "press and hold");
    await target.getByTestId("message-body").dispatchEvent("pointerdown", { pointerType: "touch", isPrimary: true });
    await target.getByRole("toolbar", { name: "Message actions" }).getByRole("button", { name: "React" }).tap();
    await page.getByRole("button", { name: "React with 👍" }).tap();
    await target.getByRole("button", { name: "👍 1, including you" }).waitFor();
    await context.close();
  });

  it("marks a conversation with a mention sent while the user was away, until they open it, across reloads", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    await postMessage(server.url, alice, conversationId, `while you were out @${bob.username}`);
    const b = await newPage(browser, server.url);
    await logIn(b.page, bob.username, bob.password);
    const mark = b.page.getByRole("navigation", { name: "Conversations" }).getByTestId("mentioned");
    await mark.waitFor();
    await b.page.reload();
    await mark.waitFor();
    await b.page.goto(`/chat?c=${conversationId}`);
    await expectMessages(b.page, [`while you were out @${bob.username}`]);
    await expect.poll(() => mark.count()).toBe(0);
    const unreadMentions = async () =>
      (await api<{ conversations: { id: string; unread_mentions: number }[] }>(server.url, "GET", "/conversations", { token: bob.token })).body.conversations.find(
        (conversation) => conversation.id === conversationId,
      )?.unread_mentions;
    await expect.poll(unreadMentions).toBe(0);
    await b.page.goto("/chat");
    await expectLive(b.page);
    expect(await mark.count()).toBe(0);
    await b.context.close();
  });

  it("autocompletes @mentions, highlights them, marks the conversation and notifies a hidden tab, also of an edit that adds one", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const elsewhere = await createConversation(server.url, bob, [await createUser(server.url, "carol")]);
    const a = await openAs(alice, conversationId);
    const b = await newPage(browser, server.url);
    await b.context.grantPermissions(["notifications"]);
    // Records what the page shows as notifications; the browser's own would need a desktop.
    await b.context.addInitScript(() => {
      const shown: string[] = [];
      Object.assign(window, { __notifications: shown });
      class RecordedNotification {
        static permission = "granted";
        static requestPermission = async () => "granted";
        onclick: (() => void) | null = null;
        constructor(title: string) {
          shown.push(title);
        }
      }
      Object.defineProperty(window, "Notification", { value: RecordedNotification });
    });
    await logIn(b.page, bob.username, bob.password);
    await b.page.goto(`/chat?c=${elsewhere}`);
    await b.page.getByRole("status", { name: "Connection: Live" }).waitFor();

    const composer = a.page.getByRole("textbox", { name: "Message" });
    await composer.pressSequentially(`hey @${bob.username.slice(0, 4)}`);
    await a.page.getByRole("listbox", { name: "Mention suggestions" }).getByRole("option", { name: new RegExp(bob.username) }).waitFor();
    expect(await axeViolations(a.page)).toEqual([]);
    await composer.press("Enter");
    await expect.poll(() => composer.inputValue()).toBe(`hey @${bob.username} `);
    await composer.pressSequentially("look");
    await composer.press("Enter");
    await bubble(a.page, "look").locator(".mention").filter({ hasText: `@${bob.username}` }).waitFor();

    const mark = b.page.getByRole("navigation", { name: "Conversations" }).getByTestId("mentioned");
    await mark.waitFor();
    await b.page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    });
    await api(server.url, "POST", "/messages", {
      token: alice.token,
      json: { message_id: randomUUID(), conversation_id: conversationId, content: `@${bob.username} again` },
    });
    await expect.poll(() => b.page.evaluate(() => (window as { __notifications?: string[] }).__notifications)).toEqual([`${alice.username} mentioned you`]);
    const plain = await api<{ id: string }>(server.url, "POST", "/messages", {
      token: alice.token,
      json: { message_id: randomUUID(), conversation_id: conversationId, content: "no names here" },
    });
    await api(server.url, "PATCH", `/messages/${plain.body.id}`, { token: alice.token, json: { content: `now naming @${bob.username}` } });
    await expect.poll(() => b.page.evaluate(() => (window as { __notifications?: string[] }).__notifications)).toEqual([
      `${alice.username} mentioned you`,
      // Any message notifies a hidden tab; the edit that names bob then notifies as a mention.
      alice.username,
      `${alice.username} mentioned you`,
    ]);

    await b.page.goto(`/chat?c=${conversationId}`);
    await bubble(b.page, "look").locator(".mention-me").waitFor();
    expect(await mark.count()).toBe(0);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("finds a message by search and jumps to it in its conversation", async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, "alice"), createUser(server.url, "bob")]);
    const conversationId = await createConversation(server.url, alice, [bob]);
    const other = await createConversation(server.url, alice, [await createUser(server.url, "dave")]);
    await postMessage(server.url, bob, conversationId, "the needle is here");
    for (let i = 0; i < 60; i++) await postMessage(server.url, alice, conversationId, `hay ${i}`);
    const { context, page } = await openAs(alice, other);
    await page.getByRole("searchbox", { name: "Search messages" }).fill("needle");
    await page.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    await page.getByRole("list", { name: "Search results" }).getByRole("button", { name: /the needle is here/ }).click();
    await page.waitForURL(`**/chat?c=${conversationId}`);
    await page.locator("[data-focused]").filter({ hasText: "the needle is here" }).waitFor();
    await context.close();
  });
});
