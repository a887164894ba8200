import type { MessageDto } from "@/lib/chat/present";

import { eventually } from "./wait";

export interface Frame {
  type: string;
  [key: string]: unknown;
}

/** Every frame a live client received, in order, and ways for a test to wait for some. */
export class FrameLog {
  readonly frames: Frame[] = [];
  private waiters: { predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];

  protected record(frame: Frame): void {
    this.frames.push(frame);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.predicate(frame)) return true;
      waiter.resolve(frame);
      return false;
    });
  }

  /** The first frame, already received or still to come, that matches. */
  waitFor(predicate: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const seen = this.frames.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame; received ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  messages(conversationId?: string): MessageDto[] {
    return this.frames
      .filter((frame) => frame.type === "message")
      .map((frame) => frame.message as MessageDto)
      .filter((message) => conversationId === undefined || message.conversation_id === conversationId);
  }

  async waitForMessages(count: number, conversationId?: string, timeoutMs = 15_000): Promise<MessageDto[]> {
    await eventually(
      () => this.messages(conversationId).length >= count,
      () => `expected ${count} messages, got ${this.messages(conversationId).length}`,
      timeoutMs,
    );
    return this.messages(conversationId);
  }
}
