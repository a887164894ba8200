/**
 * `@username` mentions in message content. Zod-free and storage-free: the server resolves them
 * to members when a message is stored or edited, the browser highlights them with the same rule.
 */

/**
 * An @ that does not follow a word character (so e-mail addresses are not mentions), then a
 * username. Trailing dots are sentence punctuation more often than part of a name, so the
 * name stops before them.
 */
export const MENTION_PATTERN = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{3,32}?)(?=\.*(?![A-Za-z0-9_-])(?!\.[A-Za-z0-9_-]))/gu;

/** The usernames content mentions, lower-cased, each once. */
export function mentionedUsernames(content: string): string[] {
  return [...new Set([...content.matchAll(MENTION_PATTERN)].map((match) => match[1]!.toLowerCase()))];
}

/** The ids of the members whose usernames the content mentions. */
export function mentionedMemberIds(content: string, members: { id: string; username: string }[]): string[] {
  const named = new Set(mentionedUsernames(content));
  return members.filter((member) => named.has(member.username.toLowerCase())).map((member) => member.id);
}
