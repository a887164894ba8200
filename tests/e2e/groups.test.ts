import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { api, createConversation, createUser, postMessage, type TestUser } from "../support/api";
import { startServer, type TestServer } from "../support/server";
import { launchBrowser, openAs, screenshot } from "./browser";

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function open(user: TestUser, conversationId?: string, options = {}) {
  return openAs(browser, server.url, user, conversationId, options);
}

function systemLines(page: Page) {
  return page.getByTestId("system-line");
}

function groupLink(page: Page, title: string) {
  return page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: new RegExp(title) });
}

async function trio(title: string) {
  const [alice, bob, carol] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker"), createUser(server.url, "carol", "Carol Cole")]);
  const conversationId = await createConversation(server.url, alice, [bob, carol], title);
  return { alice, bob, carol, conversationId };
}

describe("the group info panel", { timeout: 90_000 }, () => {
  it("lists the members with their presence and renames the group for everyone, with a system line", async () => {
    const { alice, bob, conversationId } = await trio("Before");
    const a = await open(alice, conversationId);
    const b = await open(bob, conversationId);
    await a.page.getByRole("button", { name: "Group info" }).click();
    const panel = a.page.getByRole("complementary", { name: "Group info" });
    await expect.poll(() => panel.getByTestId("group-member").count()).toBe(3);
    await panel.getByTestId("group-member").filter({ hasText: "Bob Baker" }).getByRole("img", { name: "online" }).waitFor();
    await panel.getByTestId("group-member").filter({ hasText: "Carol Cole" }).getByRole("img", { name: "offline" }).waitFor();

    await panel.getByLabel("Group name").fill("Launch crew");
    await panel.getByRole("button", { name: "Rename" }).click();
    await a.page.getByTestId("conversation-title").filter({ hasText: "Launch crew" }).waitFor();
    await b.page.getByTestId("conversation-title").filter({ hasText: "Launch crew" }).waitFor();
    await systemLines(b.page).filter({ hasText: "Alice Archer renamed the group to “Launch crew”" }).waitFor();
    await screenshot(a.page, "group-info");
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("adds someone by username, suggested as they type, and the group appears on their screen live", async () => {
    const { alice, conversationId } = await trio("Adders");
    const dave = await createUser(server.url, "dave", "Dave Dunn");
    const a = await open(alice, conversationId);
    const d = await open(dave);
    await a.page.reload();
    await a.page.getByRole("button", { name: "Group info" }).click();
    const panel = a.page.getByRole("complementary", { name: "Group info" });
    const suggestions = await panel.locator("datalist option").evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(suggestions).toContain(dave.username);
    await panel.getByLabel("Add people").fill(dave.username);
    await panel.getByRole("button", { name: "Add", exact: true }).click();
    await systemLines(a.page).filter({ hasText: "You added Dave Dunn" }).waitFor();
    await groupLink(d.page, "Adders").waitFor();
    await Promise.all([a.context.close(), d.context.close()]);
  });

  it("shows a group someone is added to with its last message and unread count", async () => {
    const { alice, conversationId } = await trio("History");
    await postMessage(server.url, alice, conversationId, "history before Dee");
    const dee = await createUser(server.url, "dee", "Dee Dale");
    const d = await open(dee);
    await api(server.url, "POST", `/conversations/${conversationId}/members`, { token: alice.token, json: { member_ids: [dee.id] } });
    const link = groupLink(d.page, "History");
    await expect.poll(() => link.innerText(), { timeout: 15_000 }).toContain("history before Dee");
    await expect.poll(() => link.getByTestId("unread").textContent()).toBe("1 unread");
    await d.context.close();
  });

  it("lets the creator remove a member, whose screen loses the group at once", async () => {
    const { alice, bob, conversationId } = await trio("Removers");
    const a = await open(alice, conversationId);
    const b = await open(bob, conversationId);
    await a.page.getByRole("button", { name: "Group info" }).click();
    await a.page.getByRole("button", { name: `Remove ${bob.username}` }).click();
    await systemLines(a.page).filter({ hasText: "You removed Bob Baker" }).waitFor();
    await b.page.waitForURL((url) => url.search === "");
    await expect.poll(() => groupLink(b.page, "Removers").count()).toBe(0);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("lets a member leave, and the others see that they left", async () => {
    const { alice, carol, conversationId } = await trio("Leavers");
    const a = await open(alice, conversationId);
    const c = await open(carol, conversationId);
    await c.page.getByRole("button", { name: "Group info" }).click();
    expect(await c.page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    await c.page.getByRole("button", { name: "Leave group" }).click();
    await c.page.waitForURL((url) => url.search === "");
    await systemLines(a.page).filter({ hasText: "Carol Cole left" }).waitFor();
    await Promise.all([a.context.close(), c.context.close()]);
  });

  it("shows the group's renames, additions, removals and leaves among its messages after a reload, not only live", async () => {
    const { alice, bob, carol, conversationId } = await trio("History");
    const dave = await createUser(server.url, "dave", "Dave Dunn");
    const as = (user: TestUser) => ({ token: user.token });
    await postMessage(server.url, alice, conversationId, "first words");
    await api(server.url, "PATCH", `/conversations/${conversationId}`, { ...as(bob), json: { title: "Renamed" } });
    await postMessage(server.url, bob, conversationId, "after the rename");
    await api(server.url, "POST", `/conversations/${conversationId}/members`, { ...as(alice), json: { member_ids: [dave.id] } });
    await api(server.url, "DELETE", `/conversations/${conversationId}/members/${carol.id}`, as(alice));
    await api(server.url, "DELETE", `/conversations/${conversationId}/members/${dave.id}`, as(dave));
    await postMessage(server.url, alice, conversationId, "last words");

    const a = await open(alice, conversationId);
    const timeline = a.page.getByRole("log", { name: "Messages" }).locator(':scope > ol > li:is([data-testid="message"], [data-testid="system-line"])');
    await timeline.filter({ hasText: "last words" }).waitFor();
    const lines = await timeline.evaluateAll((items) =>
      items.map((item) => (item.getAttribute("data-testid") === "system-line" ? item : item.querySelector('[data-testid="message-body"]'))?.textContent?.trim()),
    );
    expect(lines).toEqual([
      "first words",
      "Bob Baker renamed the group to “Renamed”",
      "after the rename",
      "You added Dave Dunn",
      "You removed Carol Cole",
      "Dave Dunn left",
      "last words",
    ]);
    await a.context.close();
  });

  it("fits a 375 px phone, with the connection state in sight", async () => {
    const { alice, conversationId } = await trio("Phone");
    const a = await open(alice, conversationId, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await a.page.getByRole("button", { name: "Group info" }).tap();
    const panel = a.page.getByRole("complementary", { name: "Group info" });
    await panel.getByRole("button", { name: "Leave group" }).waitFor();
    expect(await a.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(a.page, "group-info-mobile");
    // The panel covers the conversation's header, and its badge, on a phone: it shows its own.
    await panel.getByRole("status", { name: "Connection: Live" }).waitFor();
    await a.context.setOffline(true);
    await panel.getByRole("status", { name: "Connection: Offline" }).waitFor();
    await a.context.setOffline(false);
    await panel.getByRole("button", { name: "Close group info" }).tap();
    await a.context.close();
  });
});
