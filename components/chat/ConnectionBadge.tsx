import type { ConnectionStatus } from "@/lib/web/chat-store";

const LOOK: Record<ConnectionStatus, { label: string; dot: string }> = {
  online: { label: "Live", dot: "bg-emerald-500" },
  connecting: { label: "Connecting…", dot: "bg-amber-400 animate-pulse" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-500 animate-pulse" },
};

export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  const { label, dot } = LOOK[status];
  return (
    <span role="status" aria-label={`Connection: ${label}`} className="inline-flex items-center gap-1.5 rounded-full bg-white/15 px-2 py-0.5 text-xs font-medium">
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dot}`} />
      {label}
    </span>
  );
}
