import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConversation, createUser, type TestUser } from "../support/api";
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

async function pair() {
  const [alice, bob] = await Promise.all([createUser(server.url, "alice", "Alice Archer"), createUser(server.url, "bob", "Bob Baker")]);
  return { alice, bob, conversationId: await createConversation(server.url, alice, [bob]) };
}

function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#ff6633" } }).png().toBuffer();
}

/** Hands files to an element as the browser would on a drop or a paste. */
async function dispatchFiles(page: Page, selector: string, event: "drop" | "paste", name: string, text: string): Promise<void> {
  await page.locator(selector).evaluate(
    (element, { event, name, text }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], name, { type: "text/plain" }));
      const dispatched =
        event === "drop"
          ? new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true })
          : new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true });
      element.dispatchEvent(dispatched);
    },
    { event, name, text },
  );
}

function sentMessage(page: Page) {
  return page.locator('[data-testid="message"][data-state="sent"]');
}

describe("attachments in the web UI", { timeout: 90_000 }, () => {
  it("attaches an image by button, shows its preview to both people and opens it in the viewer", async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await open(alice, conversationId);
    const b = await open(bob, conversationId);
    await a.page.getByTestId("file-input").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: await png(800, 600) });
    await a.page.getByTestId("staged-file").filter({ hasText: "sunset.png" }).filter({ hasText: "KB" }).waitFor();
    await a.page.getByRole("textbox", { name: "Message" }).fill("look");
    await a.page.getByRole("button", { name: "Send" }).click();
    await sentMessage(a.page).getByTestId("image-preview").waitFor();
    const preview = sentMessage(b.page).getByTestId("image-preview");
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBe(320);

    await b.page.getByRole("button", { name: "View sunset.png" }).click();
    const viewer = b.page.getByRole("dialog", { name: "sunset.png" });
    await expect.poll(() => viewer.getByTestId("viewer-image").evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBe(800);
    await screenshot(b.page, "attachment-viewer");
    await b.page.keyboard.press("Escape");
    await expect.poll(() => viewer.count()).toBe(0);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("attaches a file dropped on the composer and shows it as a chip with its name and size", async () => {
    const { alice, bob, conversationId } = await pair();
    const a = await open(alice, conversationId);
    const b = await open(bob, conversationId);
    await dispatchFiles(a.page, '[data-testid="composer"]', "drop", "notes.txt", "x".repeat(2048));
    await a.page.getByTestId("staged-file").filter({ hasText: "2.0 KB" }).waitFor();
    await a.page.getByRole("button", { name: "Send" }).click();
    const chip = sentMessage(b.page).getByTestId("file-chip");
    await chip.filter({ hasText: "notes.txt" }).filter({ hasText: "2.0 KB" }).waitFor();
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("attaches a file pasted into the message box", async () => {
    const { alice, conversationId } = await pair();
    const a = await open(alice, conversationId);
    await dispatchFiles(a.page, "#composer", "paste", "pasted.txt", "from the clipboard");
    await a.page.getByTestId("staged-file").filter({ hasText: "pasted.txt" }).filter({ hasText: "B" }).waitFor();
    await a.page.getByRole("button", { name: "Send" }).click();
    await sentMessage(a.page).getByTestId("file-chip").filter({ hasText: "pasted.txt" }).waitFor();
    await a.context.close();
  });

  it("shows an upload's progress and cancels it", async () => {
    const { alice, conversationId } = await pair();
    const a = await open(alice, conversationId);
    // A slow uplink, so the upload is still under way when it is cancelled.
    const cdp = await a.context.newCDPSession(a.page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await a.page.getByTestId("file-input").setInputFiles({ name: "big.txt", mimeType: "text/plain", buffer: Buffer.alloc(4 * 1024 * 1024, 0x61) });
    await a.page.getByRole("progressbar", { name: "Uploading big.txt" }).waitFor();
    await a.page.getByRole("button", { name: "Cancel upload of big.txt" }).click();
    await expect.poll(() => a.page.getByTestId("staged-file").count()).toBe(0);
    expect(await a.page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    await a.context.close();
  });

  it("tells the user when a file's type is refused", async () => {
    const { alice, conversationId } = await pair();
    const a = await open(alice, conversationId);
    await a.page.getByTestId("file-input").setInputFiles({ name: "fake.png", mimeType: "image/png", buffer: Buffer.from("<html>not an image</html>") });
    await a.page.getByTestId("staged-file").filter({ hasText: "Only images" }).waitFor();
    await a.context.close();
  });

  it("fits a 375 px phone, image and all", async () => {
    const { alice, conversationId } = await pair();
    const a = await open(alice, conversationId, { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await a.page.getByTestId("file-input").setInputFiles({ name: "wide.png", mimeType: "image/png", buffer: await png(2000, 400) });
    await a.page.getByTestId("staged-file").filter({ hasText: "KB" }).waitFor();
    await a.page.getByRole("button", { name: "Send" }).tap();
    await sentMessage(a.page).getByTestId("image-preview").waitFor();
    expect(await a.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await screenshot(a.page, "attachment-mobile");
    await a.context.close();
  });
});
