import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { fileTypeFromFile } from "file-type";

import { DomainError } from "@/lib/chat/errors";
import { presentAttachment, type AttachmentDto } from "@/lib/chat/present";
import { getRepository } from "@/lib/db";
import type { UploadRecord } from "@/lib/db/repository";
import { log } from "@/lib/log";
import { getStorage } from "@/lib/storage";

/** The largest file one upload may be. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** An upload no message carries is deleted after this long. */
export const UNATTACHED_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
const THUMBNAIL_PX = 320;
const SWEEP_BATCH = 200;

/** The types accepted, as sniffed from the bytes; images get dimensions and a thumbnail. */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const DOCUMENT_TYPES = new Set([
  "application/pdf",
  "application/zip",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
]);
/** Text has no signature to sniff: it is accepted only under these names, and served as plain text. */
const TEXT_EXTENSIONS = new Set([".txt", ".csv", ".md", ".log"]);
const SNIFF_BYTES = 4096;

const thumbnailKey = (id: string) => `${id}.thumbnail`;

/** A file name fit to show and to put in a header: no path, no control characters, not too long. */
function cleanName(name: string): string {
  const base = path.basename(name.replace(/\\/g, "/")).replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return base.slice(0, 255) || "file";
}

/** Counts the bytes passing through and fails past the limit, so an oversized upload stops at once. */
function sizeLimit(limit: number, counted: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counted.bytes += chunk.length;
      if (counted.bytes > limit) return callback(new DomainError("too_large", `The file is larger than ${limit / 1024 / 1024} MB`));
      callback(null, chunk);
    },
  });
}

async function looksLikeText(file: string): Promise<boolean> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.includes(0)) return false;
    // A multi-byte character cut at the end of the sample is still text.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/** The type of the file from its bytes, if it is one the allow-list takes. */
async function sniff(file: string, name: string): Promise<string> {
  const detected = await fileTypeFromFile(file);
  if (detected && (IMAGE_TYPES.has(detected.mime) || DOCUMENT_TYPES.has(detected.mime))) return detected.mime;
  if (!detected && TEXT_EXTENSIONS.has(path.extname(name).toLowerCase()) && (await looksLikeText(file))) return "text/plain; charset=utf-8";
  throw new DomainError("unsupported_type", "Only images (PNG, JPEG, GIF, WebP) and common documents (PDF, Office, OpenDocument, text) may be uploaded");
}

/** An image's dimensions, and a thumbnail of it written to `thumbnailPath` (its size in bytes). */
async function describeImage(file: string, thumbnailPath: string): Promise<{ width: number; height: number; thumbnailBytes: number }> {
  // Loaded with the first image rather than at start-up: libvips is some 6 MiB of memory that a
  // process which never receives an image does without.
  const { default: sharp } = await import("sharp");
  try {
    const { width, height, orientation } = await sharp(file).metadata();
    const thumbnail = await sharp(file).rotate().resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: "inside", withoutEnlargement: true }).webp().toFile(thumbnailPath);
    // EXIF orientations 5–8 turn the picture a quarter: it shows with width and height swapped.
    const upright = orientation && orientation >= 5 ? { width: height, height: width } : { width, height };
    return { ...upright, thumbnailBytes: thumbnail.size };
  } catch {
    throw new DomainError("unsupported_type", "The image could not be read");
  }
}

/**
 * Stores a file the caller uploads: streamed to a temporary file (refused past
 * MAX_UPLOAD_BYTES), typed from its bytes against the allow-list, measured and thumbnailed if
 * it is an image, then handed to storage. It belongs to the caller alone until a message of
 * theirs carries it.
 */
export async function storeUpload(callerId: string, fileName: string, source: Readable): Promise<AttachmentDto> {
  const id = randomUUID();
  const name = cleanName(fileName);
  const scratch = path.join(tmpdir(), `pneumatic-upload-${id}`);
  const scratchThumbnail = `${scratch}.thumbnail`;
  try {
    const counted = { bytes: 0 };
    await pipeline(source, sizeLimit(MAX_UPLOAD_BYTES, counted), createWriteStream(scratch));
    if (counted.bytes === 0) throw new DomainError("invalid", "file: must not be empty");
    const contentType = await sniff(scratch, name);
    const image = IMAGE_TYPES.has(contentType) ? await describeImage(scratch, scratchThumbnail) : null;
    const storage = getStorage();
    await storage.put(id, scratch, counted.bytes, contentType);
    if (image) await storage.put(thumbnailKey(id), scratchThumbnail, image.thumbnailBytes, "image/webp");
    const upload: UploadRecord = {
      id,
      uploaderId: callerId,
      messageId: null,
      conversationId: null,
      name,
      size: counted.bytes,
      contentType,
      width: image?.width ?? null,
      height: image?.height ?? null,
      hasThumbnail: image !== null,
      createdAt: new Date().toISOString(),
    };
    await (await getRepository()).insertUpload(upload);
    return presentAttachment(upload);
  } finally {
    await Promise.all([rm(scratch, { force: true }), rm(scratchThumbnail, { force: true })]);
  }
}

export interface ServedUpload {
  upload: UploadRecord;
  body: Readable;
  contentType: string;
}

/**
 * The file (or its thumbnail) for a reader allowed to see it: its uploader while no message
 * carries it, then the members of the conversation that holds it. Anyone else is told it does
 * not exist.
 */
export async function openUpload(callerId: string, id: string, variant: "file" | "thumbnail"): Promise<ServedUpload> {
  const repository = await getRepository();
  const upload = await repository.findUpload(id);
  const allowed =
    upload !== null &&
    (upload.conversationId === null ? upload.uploaderId === callerId : await repository.isMember(upload.conversationId, callerId));
  if (!upload || !allowed || (variant === "thumbnail" && !upload.hasThumbnail)) throw new DomainError("not_found", "Upload not found");
  const body = await getStorage().get(variant === "file" ? upload.id : thumbnailKey(upload.id));
  if (!body) throw new DomainError("not_found", "Upload not found");
  return { upload, body, contentType: variant === "file" ? upload.contentType : "image/webp" };
}

/** Deletes uploads no message carried within UNATTACHED_UPLOAD_TTL_MS of `now`, with their bytes; returns how many. */
export async function sweepUnattachedUploads(now = Date.now()): Promise<number> {
  const repository = await getRepository();
  const before = new Date(now - UNATTACHED_UPLOAD_TTL_MS).toISOString();
  const storage = getStorage();
  let swept = 0;
  for (;;) {
    const deleted = await repository.deleteUnattachedUploads(before, SWEEP_BATCH);
    for (const upload of deleted) {
      await Promise.all([storage.delete(upload.id), upload.hasThumbnail ? storage.delete(thumbnailKey(upload.id)) : undefined]);
    }
    swept += deleted.length;
    if (deleted.length < SWEEP_BATCH) break;
  }
  if (swept > 0) log("info", "unattached uploads swept", { count: swept });
  return swept;
}

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Sweeps unattached uploads every hour in this process; returns what stops it. */
export function startUploadSweeper(): () => void {
  const timer = setInterval(() => {
    sweepUnattachedUploads().catch((error: unknown) => log("warn", "upload sweep failed", { error: error instanceof Error ? error.message : String(error) }));
  }, SWEEP_INTERVAL_MS).unref();
  return () => clearInterval(timer);
}
