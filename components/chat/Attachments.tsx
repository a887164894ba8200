"use client";

import { useEffect, useRef } from "react";

import type { AttachmentDto } from "@/lib/chat/present";
import { formatBytes } from "@/lib/web/display";

/** A message's files: images as previews that open the viewer, anything else as a chip to download. */
export function Attachments({ attachments, onView }: { attachments: readonly AttachmentDto[]; onView: (image: AttachmentDto) => void }) {
  return (
    <ul className="mt-1 flex max-w-full flex-wrap gap-2" aria-label="Attachments">
      {attachments.map((attachment) => (
        <li key={attachment.id} className="max-w-full">
          {attachment.thumbnail_url ? (
            <button
              type="button"
              onClick={() => onView(attachment)}
              className="block overflow-hidden rounded-xl ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600"
              aria-label={`View ${attachment.name}`}
            >
              {/* Thumbnails are already small: Next's image optimiser would only add a round trip. */}
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img
                src={attachment.thumbnail_url}
                alt={attachment.name}
                width={attachment.width}
                height={attachment.height}
                className="h-auto max-h-60 w-auto max-w-[min(20rem,100%)] bg-slate-100 object-contain"
                data-testid="image-preview"
              />
            </button>
          ) : (
            <a
              href={attachment.url}
              download={attachment.name}
              className="flex max-w-full items-center gap-2 rounded-xl bg-white px-3 py-2 text-sm text-slate-800 shadow-sm ring-1 ring-slate-200 hover:bg-slate-50"
              data-testid="file-chip"
            >
              <span aria-hidden="true">📄</span>
              <span className="min-w-0 truncate font-medium">{attachment.name}</span>
              <span className="shrink-0 text-xs text-slate-500">{formatBytes(attachment.size)}</span>
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The full image over the page; Escape, the button or a click outside closes it. */
export function ImageViewer({ image, onClose }: { image: AttachmentDto; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    close.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label={image.name}
      className="fixed inset-0 z-50 flex flex-col items-center justify-center gap-3 bg-black/80 p-4"
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={image.url} alt={image.name} className="max-h-[85dvh] max-w-full object-contain" data-testid="viewer-image" />
      <div className="flex items-center gap-3 text-sm text-white">
        <span className="truncate">{image.name}</span>
        <a href={image.url} download={image.name} className="underline">
          Download
        </a>
        <button ref={close} type="button" onClick={onClose} className="rounded-lg bg-white/20 px-3 py-1 font-medium hover:bg-white/30">
          Close
        </button>
      </div>
    </div>
  );
}
