import type { Readable } from "node:stream";

/**
 * Where the bytes of uploaded files live. Keys are ids the server made; callers never pass
 * anything a client chose.
 */
export interface StorageDriver {
  /** Stores the local file at `sourcePath` under `key`, replacing anything there. */
  put(key: string, sourcePath: string, size: number, contentType: string): Promise<void>;
  /** The stored bytes, or null when nothing is stored under `key`. */
  get(key: string): Promise<Readable | null>;
  /** Removes what is stored under `key`; nothing stored is not an error. */
  delete(key: string): Promise<void>;
}
