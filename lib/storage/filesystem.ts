import { createReadStream } from "node:fs";
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

import type { StorageDriver } from "@/lib/storage/driver";

function isMissing(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

/** Files in one directory (under DATA_DIR by default), one per key. */
export function filesystemStorage(directory: string): StorageDriver {
  const pathOf = (key: string) => path.join(directory, key);

  return {
    async put(key, sourcePath) {
      await mkdir(directory, { recursive: true });
      // Copied beside its final name first, so a reader never sees half a file.
      const partial = `${pathOf(key)}.partial`;
      await copyFile(sourcePath, partial);
      await rename(partial, pathOf(key));
    },
    async get(key) {
      const stream = createReadStream(pathOf(key));
      return new Promise<Readable | null>((resolve, reject) => {
        stream.once("open", () => resolve(stream));
        stream.once("error", (error) => (isMissing(error) ? resolve(null) : reject(error)));
      });
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
