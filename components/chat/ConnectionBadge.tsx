import type { ConnectionStatus } from "@/lib/web/chat-store";

/** What the badge shows: the socket's state, unless the browser knows it is offline. */
export type ShownConnectionStatus = ConnectionStatus | "offline";

const LOOK: Record<ShownConnectionStatus, { label: string; dot: string }> = {
  offline: { label: "Offline", dot: "bg-red-500" },
  online: { label: "Live", dot: "bg-emerald-500" },
  connecting: { label: "Connecting…", dot: "bg-amber-400 animate-pulse" },
  reconnecting: { label: "Reconnecting…", dot: "bg-amber-500 animate-pulse" },
};

export function ConnectionBadge({ status, className = "bg-white/15" }: { status: ShownConnectionStatus; className?: string }) {
  const { label, dot } = LOOK[status];
  return (
    <span role="status" aria-label={`Connection: ${label}`} className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${className}`}>
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${dot}`} />
      {label}
    </span>
  );
}
