import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { StorageDriver } from "@/lib/storage/driver";
import { filesystemStorage } from "@/lib/storage/filesystem";
import { s3Storage } from "@/lib/storage/s3";

import { startS3, type TestS3 } from "../support/s3";

const scratch = mkdtempSync(path.join(tmpdir(), "pneumatic-storage-"));
let s3: TestS3;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function localFile(name: string, content: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}

const drivers: [string, () => StorageDriver][] = [
  ["the filesystem driver", () => filesystemStorage(path.join(scratch, "files"))],
  ["the S3 driver against a real S3-compatible server", () => s3Storage(s3.target)],
];

describe.each(drivers)("%s", (_name, open) => {
  it("gives back exactly the bytes stored under a key", async () => {
    const storage = open();
    const content = "héllo ".repeat(10_000);
    await storage.put("a-key", localFile("source", content), Buffer.byteLength(content), "text/plain");
    expect(await text((await storage.get("a-key"))!)).toBe(content);
  });

  it("replaces what was stored under a key", async () => {
    const storage = open();
    await storage.put("replaced", localFile("first", "first"), 5, "text/plain");
    await storage.put("replaced", localFile("second", "second"), 6, "text/plain");
    expect(await text((await storage.get("replaced"))!)).toBe("second");
  });

  it("answers null for a key with nothing stored", async () => {
    expect(await open().get("never-stored")).toBeNull();
  });

  it("deletes what is stored, and deleting nothing is no error", async () => {
    const storage = open();
    await storage.put("doomed", localFile("doomed", "bye"), 3, "text/plain");
    await storage.delete("doomed");
    expect(await storage.get("doomed")).toBeNull();
    await expect(storage.delete("doomed")).resolves.toBeUndefined();
  });
});
