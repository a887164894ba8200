"use client";

import { memo, useState, useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;

let permissionOnLoad: NotificationPermission | "unsupported" | null = null;

/**
 * Read once per page: the browser answers Notification.permission by asking its own process,
 * which cost a millisecond on every render of the chat screen. A change made here is kept in
 * the toggle's state.
 */
function currentPermission(): NotificationPermission | "unsupported" {
  permissionOnLoad ??= "Notification" in window ? Notification.permission : "unsupported";
  return permissionOnLoad;
}

/**
 * Browsers only ask for notification permission from a click, and asking unprompted on load
 * is what gets a site's requests blocked; so the user is offered a button, once.
 */
export const NotificationToggle = memo(function NotificationToggle() {
  const initial = useSyncExternalStore(noSubscription, currentPermission, () => "unsupported" as const);
  const [asked, setAsked] = useState<NotificationPermission | null>(null);
  const permission = asked ?? initial;
  if (permission !== "default") return null;
  return (
    <button
      type="button"
      onClick={() => void Notification.requestPermission().then(setAsked)}
      className="w-full rounded-xl px-3 py-1.5 text-left text-xs font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      💬 Notify me of new messages while this tab is hidden
    </button>
  );
});
