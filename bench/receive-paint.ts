/**
 * Receiving benchmark: a browser with a conversation of 200 messages open receives messages
 * one at a time. Prints, in the receiving page, the time from the WebSocket frame reaching the
 * page to the new message being in the DOM, to the page being laid out with it, and to the
 * next frame painted after it, next to the same page's floor: a bare element appended, to the
 * next paint.
 *
 * Needs a production build (`npm run bench` builds first) and Debian's Chromium. Talks only to
 * 127.0.0.1.
 */
import { createConversation, createUser, postMessage } from "../tests/support/api";
import { launchBrowser, logIn, newPage } from "../tests/e2e/browser";
import { startServer } from "../tests/support/server";

const HISTORY = 200;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);

interface BenchState {
  frameAt: number;
  waitingFor: string;
  painted: Promise<void>;
  resolve: (() => void) | null;
}

interface Timing {
  dom: number;
  layout: number;
  paint: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${label.padEnd(32)} median ${percentile(sorted, 50).toFixed(1)} ms  p95 ${percentile(sorted, 95).toFixed(1)} ms  max ${sorted.at(-1)!.toFixed(1)} ms`;
}

const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
try {
  const [sender, reader] = await Promise.all([createUser(server.url, "sender", "Sam Sender"), createUser(server.url, "reader")]);
  const conversationId = await createConversation(server.url, sender, [reader]);
  for (let i = 1; i <= HISTORY; i++) await postMessage(server.url, sender, conversationId, `history ${i}: ${"words ".repeat(i % 12)}`);

  const { page } = await newPage(browser, server.url, { viewport: { width: 1280, height: 900 } });
  // Stamps each live message frame as it reaches the page, before the app handles it, and the
  // DOM and the paint that show the message whose text the benchmark waits for.
  await page.context().addInitScript(() => {
    const timings: { dom: number; layout: number; paint: number }[] = [];
    const state: BenchState = {
      frameAt: 0,
      waitingFor: "",
      painted: Promise.resolve(),
      resolve: null,
    };
    Object.assign(window, { __bench: { timings, state } });
    const descriptor = Object.getOwnPropertyDescriptor(WebSocket.prototype, "onmessage")!;
    Object.defineProperty(WebSocket.prototype, "onmessage", {
      configurable: true,
      get: descriptor.get,
      set(handler: ((event: MessageEvent) => void) | null) {
        descriptor.set!.call(this, (event: MessageEvent) => {
          if (typeof event.data === "string" && state.waitingFor && event.data.includes(state.waitingFor)) state.frameAt = performance.now();
          handler?.call(this, event);
        });
      },
    });
    new MutationObserver(() => {
      if (!state.waitingFor || !state.frameAt) return;
      const bodies = document.querySelectorAll('[data-testid="message-body"]');
      if (!bodies[bodies.length - 1]?.textContent?.includes(state.waitingFor)) return;
      const { frameAt } = state;
      const dom = performance.now() - frameAt;
      // The style and layout the next frame needs, done now: what the page costs before painting.
      document.documentElement.getBoundingClientRect();
      const layout = performance.now() - frameAt;
      state.waitingFor = "";
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          timings.push({ dom, layout, paint: performance.now() - frameAt });
          state.resolve?.();
        };
        channel.port2.postMessage(null);
      });
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await logIn(page, reader.username, reader.password);
  await page.goto(`/chat?c=${conversationId}`);
  await page.getByRole("status", { name: "Connection: Live" }).waitFor();
  const older = page.getByRole("button", { name: "Load older messages" });
  for (let shown = await page.getByTestId("message").count(); shown < HISTORY; shown = await page.getByTestId("message").count()) {
    await older.click();
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid="message"]').length > count, shown);
  }
  // Loading history keeps the view where it was; the reader goes back down to follow the conversation.
  await page.getByRole("button", { name: "Jump to latest" }).click();

  // The renderer's own accounting, to tell script from style and layout work per message.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map(({ name, value }) => [name, value]));
  const before = await metrics();
  for (let i = 1; i <= SAMPLES; i++) {
    const text = `benchmark message ${i}`;
    await page.evaluate((waitingFor) => {
      const { state } = (window as unknown as { __bench: { state: BenchState } }).__bench;
      state.waitingFor = waitingFor;
      state.frameAt = 0;
      state.painted = new Promise((resolve) => (state.resolve = resolve));
    }, text);
    await postMessage(server.url, sender, conversationId, text);
    // Awaiting a promise, not polling: polling on animation frames would keep the page painting
    // every frame, and each message would then wait for the display's next refresh.
    await page.evaluate(() => (window as unknown as { __bench: { state: BenchState } }).__bench.state.painted);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = await metrics();
  const perMessage = (name: string) => (((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / SAMPLES;
  const timings = await page.evaluate(() => (window as unknown as { __bench: { timings: Timing[] } }).__bench.timings);
  // The floor under the same page and browser: a bare element appended from a task, to the next
  // paint. What the product adds on receiving a message is what it measures above this.
  const floor: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    floor.push(
      await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const start = performance.now();
            const probe = document.createElement("div");
            probe.style.cssText = "position:fixed;top:0;left:0;width:1px;height:1px";
            document.body.append(probe);
            requestAnimationFrame(() => {
              const channel = new MessageChannel();
              channel.port1.onmessage = () => {
                probe.remove();
                resolve(performance.now() - start);
              };
              channel.port2.postMessage(null);
            });
          }),
      ),
    );
  }
  const shown = await page.getByTestId("message").count();
  console.log(`receive-to-paint with ${shown - SAMPLES}..${shown} messages open, ${SAMPLES} messages received one at a time`);
  console.log(summary("frame -> DOM", timings.map((timing) => timing.dom)));
  console.log(summary("frame -> layout", timings.map((timing) => timing.layout)));
  console.log(summary("frame -> paint", timings.map((timing) => timing.paint)));
  console.log(summary("floor: bare DOM append -> paint", floor));
  console.log(
    `renderer work per message: script ${perMessage("ScriptDuration").toFixed(1)} ms  style ${perMessage("RecalcStyleDuration").toFixed(1)} ms  layout ${perMessage("LayoutDuration").toFixed(1)} ms`,
  );
} finally {
  await browser.close();
  await server.stop();
}
