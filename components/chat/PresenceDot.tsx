import type { Presence } from "@/lib/web/awareness-store";

/**
 * A green dot for someone online, a grey one for someone away. Inside a button or link the dot
 * is decoration and the state is said in words after the name (`spoken`), so the control's
 * name still begins with what it shows.
 */
export function PresenceDot({ presence, className = "" }: { presence: Presence | undefined; className?: string }) {
  const online = presence?.online ?? false;
  return (
    <span
      aria-hidden="true"
      data-testid="presence"
      data-online={online}
      className={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ring-2 ring-slate-50 ${online ? "bg-emerald-500" : "bg-slate-400"} ${className}`}
    />
  );
}

/** The words for a presence, for screen readers beside a dot. */
export function PresenceText({ presence }: { presence: Presence | undefined }) {
  return <span className="sr-only">{presence?.online ? ", online" : ", offline"}</span>;
}
