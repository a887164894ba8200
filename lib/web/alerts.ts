/**
 * How the user is told about a message they are not looking at: a short chime (which they can
 * turn off) and, while the tab is hidden, a browser notification once they allowed them.
 */

const SOUND_KEY = "pneumatic.sound";
const listeners = new Set<() => void>();

/** The chime is on unless the user turned it off; nothing is stored until they do. */
export function soundEnabled(): boolean {
  try {
    return window.localStorage.getItem(SOUND_KEY) !== "off";
  } catch {
    return true;
  }
}

export function setSoundEnabled(on: boolean): void {
  try {
    if (on) window.localStorage.removeItem(SOUND_KEY);
    else window.localStorage.setItem(SOUND_KEY, "off");
  } catch {
    // Storage refused: the choice lasts as long as nothing re-reads it, which is the best on offer.
  }
  for (const listener of listeners) listener();
}

export function subscribeSound(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === SOUND_KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** A burst of messages (a catch-up after reconnecting) chimes once. */
const CHIME_GAP_MS = 2_000;
let lastChime = 0;
let audio: AudioContext | null = null;

/** Two soft notes, synthesized: no sound file to fetch, nothing for the CSP to allow. */
export function chime(): void {
  const now = Date.now();
  if (!soundEnabled() || now - lastChime < CHIME_GAP_MS || typeof AudioContext === "undefined") return;
  lastChime = now;
  audio ??= new AudioContext();
  const start = audio.currentTime;
  for (const [offset, frequency] of [
    [0, 880],
    [0.12, 1320],
  ] as const) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.08, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.25);
  }
}

/** A notification, if the user allowed them; clicking it brings the tab forward and runs onOpen. */
export function notify(title: string, body: string, tag: string, onOpen: () => void): void {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const notification = new Notification(title, { body, tag });
  notification.onclick = () => {
    window.focus();
    onOpen();
    notification.close();
  };
}
