/** The @mention being typed at the caret, for the composer's suggestions. */
export interface ActiveMention {
  /** Where the @ is. */
  start: number;
  /** What follows it up to the caret, lower-cased. */
  prefix: string;
}

/** An @ at the start or after a space, then name characters up to the caret. */
const TYPING_MENTION = /(?:^|\s)@([A-Za-z0-9_.-]{0,32})$/;

export function activeMention(text: string, caret: number): ActiveMention | null {
  const match = TYPING_MENTION.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[1]!.length - 1, prefix: match[1]!.toLowerCase() };
}

/** The text with the mention being typed replaced by the full username and a space, and where the caret goes. */
export function completeMention(text: string, caret: number, mention: ActiveMention, username: string): { text: string; caret: number } {
  const inserted = `@${username} `;
  return { text: text.slice(0, mention.start) + inserted + text.slice(caret), caret: mention.start + inserted.length };
}
