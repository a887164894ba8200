import { noticePayload } from "@/lib/db/pg/announcements";
import type { Announcement } from "@/lib/db/repository";

/**
 * The announcements this instance has sent as NOTIFY payloads and not yet heard back, by
 * payload, so that its listener takes each back as it was made instead of parsing and
 * validating JSON it wrote itself (3 % of an instance's busy time storing messages). A payload
 * stands for one event of one conversation, so the announcement found with it is the one the
 * payload would be read as. One never heard back (its statement failed, or the listener's
 * connection dropped meanwhile) is forgotten once `capacity` newer ones have been sent, and a
 * payload not found is parsed as any other instance's.
 */
export class OwnNotices {
  private readonly sent = new Map<string, Announcement>();

  constructor(private readonly capacity: number) {}

  /** The payload that announces `announcement` (see noticePayload), remembered until heard. */
  payloadOf(announcement: Announcement): string {
    const payload = noticePayload(announcement);
    this.sent.set(payload, announcement);
    if (this.sent.size > this.capacity) this.sent.delete(this.sent.keys().next().value!);
    return payload;
  }

  /** The announcement this instance sent as `payload`, once: undefined for any other. */
  heard(payload: string): Announcement | undefined {
    const announcement = this.sent.get(payload);
    if (announcement) this.sent.delete(payload);
    return announcement;
  }
}
