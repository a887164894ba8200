import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

import busboy from "busboy";

import { DomainError } from "@/lib/chat/errors";
import { MAX_UPLOAD_BYTES } from "@/lib/chat/uploads";
import { ApiError } from "@/lib/http/errors";

/** Room for the multipart boundaries and part headers around a file of the largest size. */
const ENVELOPE_BYTES = 64 * 1024;

/** As for any body left unread: the client must not reuse the connection. */
function tooLarge(detail: string): ApiError {
  return new ApiError(413, detail, { Connection: "close" });
}

/**
 * Hands the file in field `file` of a multipart/form-data body to `consume` as a stream, as it
 * arrives; other fields and parts are skipped. A body that cannot hold a file of the largest
 * size is refused before it is read.
 */
export function readUploadedFile<T>(request: Request, consume: (fileName: string, stream: Readable) => Promise<T>): Promise<T> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) {
    throw new ApiError(400, "Request body must be multipart/form-data with the file in a field named file");
  }
  if (Number(request.headers.get("content-length") ?? "0") > MAX_UPLOAD_BYTES + ENVELOPE_BYTES) {
    throw tooLarge(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
  }
  let parser: busboy.Busboy;
  try {
    // Browsers send a file's name as UTF-8 bytes; busboy would read them as latin1.
    parser = busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: { files: 1, parts: 20 } });
  } catch {
    throw new ApiError(400, "Malformed multipart/form-data body");
  }
  const body = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
  return new Promise<T>((resolve, reject) => {
    let found = false;
    const fail = (error: unknown) => {
      body.unpipe(parser);
      body.destroy();
      // Ends the file stream being consumed too: left waiting for bytes that never come, the
      // upload would hold its request and its scratch file for good.
      parser.destroy(error instanceof Error ? error : new Error(String(error)));
      reject(error instanceof DomainError && error.code === "too_large" ? tooLarge(error.message) : error);
    };
    parser.on("file", (field, stream, info) => {
      if (field !== "file" || found) return stream.resume();
      found = true;
      consume(info.filename ?? "file", stream).then(resolve, fail);
    });
    parser.on("error", () => fail(new ApiError(400, "Malformed multipart/form-data body")));
    parser.on("close", () => {
      if (!found) fail(new ApiError(422, "file: is required"));
    });
    body.on("error", fail);
    body.pipe(parser);
  });
}
