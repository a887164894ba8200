/**
 * What counts as one emoji for a reaction: a single grapheme cluster that is pictographic (with
 * any modifiers, variation selectors and zero-width joins it carries), a flag made of two
 * regional indicators, or a keycap, and no more than 32 bytes of UTF-8. No zod here: the
 * browser's picker uses it too.
 */

export const MAX_EMOJI_BYTES = 32;

const EMOJI_CLUSTER =
  /^(?:[#*0-9]\uFE0F?\u20E3|\p{Regional_Indicator}{2}|(?!\p{Regional_Indicator})(?:\p{Extended_Pictographic}|\p{Emoji_Presentation})[\p{Emoji_Modifier}\uFE0F\u20E3\u{E0020}-\u{E007F}]*(?:\u200D(?:\p{Extended_Pictographic}|\p{Emoji_Presentation})[\p{Emoji_Modifier}\uFE0F]*)*)$/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function isEmoji(value: string): boolean {
  if (value.length === 0 || new TextEncoder().encode(value).length > MAX_EMOJI_BYTES) return false;
  const clusters = [...graphemes.segment(value)];
  return clusters.length === 1 && EMOJI_CLUSTER.test(value);
}
