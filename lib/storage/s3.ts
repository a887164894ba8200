import { createReadStream } from "node:fs";
import { Readable } from "node:stream";

import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

import type { S3Target } from "@/lib/config";
import type { StorageDriver } from "@/lib/storage/driver";

/** Objects in one bucket of an S3-compatible store, one per key. */
export function s3Storage(target: S3Target): StorageDriver {
  const client = new S3Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    forcePathStyle: target.forcePathStyle,
    // Checksums only where S3 requires them: by default the SDK sends bodies aws-chunked with a
    // checksum trailer, which many S3-compatible servers store verbatim instead of decoding.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

  return {
    async put(key, sourcePath, size, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: createReadStream(sourcePath), ContentLength: size, ContentType: contentType }),
      );
    },
    async get(key) {
      try {
        const { Body } = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
        return Body instanceof Readable ? Body : null;
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key }));
    },
  };
}
