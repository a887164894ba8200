import { getConfig, type StorageTarget } from "@/lib/config";
import { processSingleton } from "@/lib/process-singleton";
import type { StorageDriver } from "@/lib/storage/driver";
import { filesystemStorage } from "@/lib/storage/filesystem";
import { s3Storage } from "@/lib/storage/s3";

export function openStorage(target: StorageTarget): StorageDriver {
  return target.driver === "filesystem" ? filesystemStorage(target.directory) : s3Storage(target);
}

/** The configured storage, chosen once per process; callers never ask which it is. */
export function getStorage(): StorageDriver {
  return processSingleton("storage", () => openStorage(getConfig().storage));
}
