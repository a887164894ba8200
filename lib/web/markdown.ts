import MarkdownIt, { type StateCore, type Token } from "markdown-it";

import { MENTION_PATTERN } from "@/lib/chat/mentions";

/**
 * Message content as HTML: a small Markdown subset (bold, italic, inline code, code blocks,
 * quotes, links) and @mentions. Raw HTML in content is never passed through (html: false),
 * and a link may only go to http, https or mailto, opening in a new tab without an opener.
 */

export interface MentionContext {
  /** Lower-cased usernames of the conversation's members: only they are highlighted. */
  members: ReadonlySet<string>;
  /** The reader's own username, lower-cased, whose mentions stand out more. */
  me: string;
}

const SAFE_LINK = /^(?:https?:|mailto:)/i;

const markdown = new MarkdownIt("zero", { html: false, linkify: true, breaks: true });
markdown.enable(["blockquote", "fence", "emphasis", "backticks", "link", "autolink", "linkify", "newline", "escape", "entity"]);
markdown.validateLink = (url) => SAFE_LINK.test(url.trim());

markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index]!.attrSet("target", "_blank");
  tokens[index]!.attrSet("rel", "noopener noreferrer");
  return self.renderToken(tokens, index, options);
};

markdown.renderer.rules.mention = (tokens, index) => {
  const token = tokens[index]!;
  const own = token.meta === "me" ? " mention-me" : "";
  return `<span class="mention${own}">${markdown.utils.escapeHtml(token.content)}</span>`;
};

/** Splits one text token around the mentions of members it holds; null when it holds none. */
function splitMentions(state: StateCore, text: Token, context: MentionContext): Token[] | null {
  const parts: Token[] = [];
  let last = 0;
  for (const match of text.content.matchAll(MENTION_PATTERN)) {
    const username = match[1]!.toLowerCase();
    if (!context.members.has(username)) continue;
    if (match.index > last) parts.push(Object.assign(new state.Token("text", "", 0), { content: text.content.slice(last, match.index) }));
    const mention = new state.Token("mention", "", 0);
    mention.content = match[0];
    mention.meta = username === context.me ? "me" : "other";
    parts.push(mention);
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return null;
  if (last < text.content.length) parts.push(Object.assign(new state.Token("text", "", 0), { content: text.content.slice(last) }));
  return parts;
}

/** Mentions are found in plain text only: not in code, and not in a link's text. */
markdown.core.ruler.push("mentions", (state) => {
  const context = state.env as MentionContext | undefined;
  if (!context) return;
  for (const block of state.tokens) {
    if (block.type !== "inline" || !block.children) continue;
    let linkDepth = 0;
    block.children = block.children.flatMap((child) => {
      if (child.type === "link_open") linkDepth++;
      if (child.type === "link_close") linkDepth--;
      if (child.type !== "text" || linkDepth > 0) return [child];
      return splitMentions(state, child, context) ?? [child];
    });
  }
});

export function renderMessageHtml(content: string, context: MentionContext): string {
  return markdown.render(content, context);
}
