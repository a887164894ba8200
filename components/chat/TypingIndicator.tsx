/** Who is typing in the open conversation, in words; an empty line keeps the layout still. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}

export function TypingIndicator({ names }: { names: readonly string[] }) {
  return (
    <p aria-live="polite" data-testid="typing" className="h-5 truncate bg-white px-4 text-xs italic text-slate-600">
      {typingText(names)}
    </p>
  );
}
