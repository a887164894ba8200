/**
 * What was typed but not sent, per conversation, kept for the tab's lifetime: it survives a
 * trip to the login page when the session ends, and is gone when the tab is closed. Drafts
 * belong to the user who typed them: logging out discards them, and another user signing in
 * on the tab starts with none. Where the browser refuses storage, drafts live in memory until
 * the page unloads.
 */
const PREFIX = "pneumatic.draft.";
const OWNER = "pneumatic.drafts-of";
const key = (conversationId: string) => `${PREFIX}${conversationId}`;
const memory = new Map<string, string>();
const listeners = new Set<() => void>();

interface DraftStorage {
  getItem(name: string): string | null;
  setItem(name: string, value: string): void;
  removeItem(name: string): void;
  names(): string[];
}

function storage(): DraftStorage {
  try {
    const session = window.sessionStorage;
    return {
      getItem: (name) => session.getItem(name),
      setItem: (name, value) => session.setItem(name, value),
      removeItem: (name) => session.removeItem(name),
      names: () => Array.from({ length: session.length }, (_, index) => session.key(index) ?? ""),
    };
  } catch {
    return {
      getItem: (name) => memory.get(name) ?? null,
      setItem: (name, value) => void memory.set(name, value),
      removeItem: (name) => void memory.delete(name),
      names: () => [...memory.keys()],
    };
  }
}

function changed(): void {
  for (const listener of listeners) listener();
}

export function loadDraft(conversationId: string): string {
  return storage().getItem(key(conversationId)) ?? "";
}

export function saveDraft(conversationId: string, text: string): void {
  if (text) storage().setItem(key(conversationId), text);
  else storage().removeItem(key(conversationId));
  changed();
}

/** Every draft of the tab goes: its user logged out. */
export function discardDrafts(): void {
  const store = storage();
  for (const name of store.names()) if (name.startsWith(PREFIX)) store.removeItem(name);
  store.removeItem(OWNER);
  changed();
}

/** The signed-in user of the page: drafts another user left in the tab are discarded. */
export function keepDraftsOf(userId: string): void {
  const store = storage();
  if (store.getItem(OWNER) === userId) return;
  discardDrafts();
  store.setItem(OWNER, userId);
}

/** For useSyncExternalStore: the composer re-renders when a draft changes. */
export function subscribeDrafts(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
