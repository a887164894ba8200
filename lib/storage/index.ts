import path from "node:path";

import { getConfig, type StorageTarget } from "@/lib/config";
import { processSingleton } from "@/lib/process-singleton";
import type { StorageDriver } from "@/lib/storage/driver";
import { filesystemStorage } from "@/lib/storage/filesystem";
import { s3Storage } from "@/lib/storage/s3";

/**
 * Files go to DATA_DIR/uploads unless a bucket is configured. (The folder is named here, not in
 * lib/config.ts: Next's file tracer takes a path joined there, which every entry point reaches,
 * for any folder named uploads, app/uploads' sources included.)
 */
export function openStorage(target: StorageTarget): StorageDriver {
  return target.driver === "filesystem" ? filesystemStorage(path.join(target.dataDir, "uploads")) : s3Storage(target);
}

/** The configured storage, chosen once per process; callers never ask which it is. */
export function getStorage(): StorageDriver {
  return processSingleton("storage", () => openStorage(getConfig().storage));
}
