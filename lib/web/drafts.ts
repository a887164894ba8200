/**
 * What was typed but not sent, per conversation, kept for the tab's lifetime: it survives a
 * trip to the login page when the session ends, and is gone when the tab is closed. Where the
 * browser refuses storage, drafts live in memory until the page unloads.
 */
const key = (conversationId: string) => `pneumatic.draft.${conversationId}`;
const memory = new Map<string, string>();
const listeners = new Set<() => void>();

function storage(): Pick<Storage, "getItem" | "setItem" | "removeItem"> {
  try {
    return window.sessionStorage;
  } catch {
    return {
      getItem: (name) => memory.get(name) ?? null,
      setItem: (name, value) => void memory.set(name, value),
      removeItem: (name) => void memory.delete(name),
    };
  }
}

export function loadDraft(conversationId: string): string {
  return storage().getItem(key(conversationId)) ?? "";
}

export function saveDraft(conversationId: string, text: string): void {
  if (text) storage().setItem(key(conversationId), text);
  else storage().removeItem(key(conversationId));
  for (const listener of listeners) listener();
}

/** For useSyncExternalStore: the composer re-renders when a draft changes. */
export function subscribeDrafts(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
