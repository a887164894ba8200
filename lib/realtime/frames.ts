import { presentGroupChange, presentMessage } from "@/lib/chat/present";
import type { StoredEvent } from "@/lib/db/repository";
import type { EventFrame } from "@/lib/realtime/wire";

export function presentEvent(event: StoredEvent): EventFrame {
  if (event.type === "conversation_updated") {
    return { type: "conversation_updated", ...presentGroupChange(event) };
  }
  if (!event.message) throw new Error(`event ${event.conversationId}#${event.seq} has no message`);
  const message = presentMessage(event.message);
  switch (event.type) {
    case "message":
      return { type: "message", message };
    case "message_updated":
      return { type: "message_updated", seq: event.seq, conversation_id: event.conversationId, message };
  }
}

const serialized = new WeakMap<StoredEvent, string>();

/** An announced event is serialized once, however many connections receive it. */
export function eventFrame(event: StoredEvent): string {
  let frame = serialized.get(event);
  if (frame === undefined) {
    frame = JSON.stringify(presentEvent(event));
    serialized.set(event, frame);
  }
  return frame;
}
