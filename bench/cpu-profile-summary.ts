/**
 * Where the server's time went in each measurement window of a profiled hot-paths run
 * (`BENCH_CPU_PROF=<dir> tsx bench/hot-paths.ts`, then `tsx bench/cpu-profile-summary.ts <dir>`):
 * per window, the share of busy time (samples that are not idle) by package or area, and the
 * functions with the most self time.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Window {
  target: string;
  workload: string;
  pid: number;
  startUs: number;
  endUs: number;
}

const TOP = Number(process.env.TOP ?? 12);

/** A coarse owner of a frame: the package it comes from, Node itself, or V8's pseudo-frames. */
function area({ functionName, url }: ProfileNode["callFrame"]): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1]!;
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  if (url.includes("/dist/server.mjs")) return "app (server.mjs)";
  if (url.includes("/.next/")) return "app (.next chunks)";
  return path.basename(url);
}

function share(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1).padStart(5)} %`;
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: tsx bench/cpu-profile-summary.ts <profile dir>");
const windows = JSON.parse(readFileSync(path.join(dir, "windows.json"), "utf8")) as Window[];
const files = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));

for (const window of windows) {
  const file = files.find((name) => name.split(".")[3] === String(window.pid));
  if (!file) continue;
  const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  let time = profile.startTime;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index]!;
    if (time < window.startUs || time > window.endUs) return;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") return;
    const weight = profile.timeDeltas[index + 1] ?? 0;
    busy += weight;
    const frame = node.callFrame;
    const name = `${frame.functionName || "(anonymous)"} ${area(frame)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + weight);
    byArea.set(area(frame), (byArea.get(area(frame)) ?? 0) + weight);
  });
  if (busy === 0) continue;
  const seconds = (window.endUs - window.startUs) / 1e6;
  console.log(`\n== ${window.target}, ${window.workload}: busy ${(busy / 1e6).toFixed(2)} s of ${seconds.toFixed(2)} s (self time)`);
  for (const [name, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${share(us, busy)}  ${name}`);
  console.log("  top functions:");
  for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${share(us, busy)}  ${name}`);
}
