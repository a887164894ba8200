import type { AttachmentDto } from "@/lib/chat/present";

export interface UploadTask {
  done: Promise<AttachmentDto>;
  cancel(): void;
}

/** Thrown by a cancelled upload's `done`. */
export class UploadCancelled extends Error {
  override name = "UploadCancelled";
}

/**
 * Sends a file to POST /uploads with the session cookie. XMLHttpRequest, not fetch, because
 * only it reports upload progress.
 */
export function uploadFile(file: File, onProgress: (fraction: number) => void): UploadTask {
  const request = new XMLHttpRequest();
  const done = new Promise<AttachmentDto>((resolve, reject) => {
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: { detail?: string } & Partial<AttachmentDto> = {};
      try {
        body = JSON.parse(request.responseText) as typeof body;
      } catch {
        // A body that is not JSON says nothing more than its status.
      }
      if (request.status === 201) resolve(body as AttachmentDto);
      else reject(new Error(body.detail ?? `Upload failed (${request.status})`));
    };
    request.onerror = () => reject(new Error("Upload failed: the server could not be reached"));
    request.onabort = () => reject(new UploadCancelled("Upload cancelled"));
  });
  const form = new FormData();
  form.append("file", file, file.name);
  request.open("POST", "/uploads");
  request.send(form);
  return { done, cancel: () => request.abort() };
}
