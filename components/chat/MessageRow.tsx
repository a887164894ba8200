"use client";

import { memo } from "react";

import { sameQuote } from "@/lib/web/timeline";

import { LocalTime } from "./LocalTime";
import { MessageItem, type MessageItemProps } from "./MessageItem";

type MessageRowProps = Omit<MessageItemProps, "time">;

function sameRow(before: MessageRowProps, after: MessageRowProps): boolean {
  const keys = Object.keys(after) as (keyof MessageRowProps)[];
  if (keys.length !== Object.keys(before).length) return false;
  return keys.every((key) => (key === "quoted" ? sameQuote(before.quoted, after.quoted) : before[key] === after[key]));
}

/**
 * A stored message as a row of the list, re-rendered only when something it shows changed: a
 * new message arriving renders its own row, not the two hundred before it.
 */
export const MessageRow = memo(function MessageRow(props: MessageRowProps) {
  return <MessageItem {...props} time={<LocalTime iso={props.message.created_at} />} />;
}, sameRow);
