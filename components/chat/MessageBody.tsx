"use client";

import { memo, useMemo } from "react";

import { renderMessageHtml, type MentionContext } from "@/lib/web/markdown";

interface MessageBodyProps {
  content: string;
  deleted: boolean;
  mentions: MentionContext;
  className: string;
}

/**
 * The bubble's text. The HTML comes from the Markdown renderer, which escapes every raw tag
 * and only links http, https and mailto, so it is safe to insert as HTML.
 */
export const MessageBody = memo(function MessageBody({ content, deleted, mentions, className }: MessageBodyProps) {
  const html = useMemo(() => renderMessageHtml(content, mentions), [content, mentions]);
  if (deleted) {
    return (
      <p data-testid="message-body" className={`${className} italic`}>
        This message was deleted
      </p>
    );
  }
  return <div data-testid="message-body" dir="auto" className={`message-body ${className}`} dangerouslySetInnerHTML={{ __html: html }} />;
});
