// In-app banners for live notifications, with a sound and a vibration where the browser
// allows them: sound only once the page has had a user gesture (autoplay rules), vibration
// only with user activation (navigator.userActivation), system notifications only when the
// page is hidden and permission was granted.

import { h } from "./dom";
import { t } from "./i18n";

export interface BannerOptions {
  key: string;
  title: string;
  body: string;
  meta?: string;
  urgent?: boolean;
  href?: string;
  sound?: "urgent" | "normal" | null;
  vibration?: "strong" | "light" | null;
  kind: "question" | "answer" | "info";
  /** null: the banner stays until dismissed (a question waiting for this local). */
  timeoutMs?: number | null;
}

let container: HTMLElement | null = null;
let audio: AudioContext | null = null;
const shown = new Map<string, HTMLElement>();

export function mountAlerts(region: HTMLElement): void {
  container = region;
  const unlock = (): void => {
    try {
      const Ctor =
        window.AudioContext ??
        (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!audio && Ctor) audio = new Ctor();
      void audio?.resume();
    } catch {
      audio = null;
    }
  };
  window.addEventListener("pointerdown", unlock, { passive: true });
  window.addEventListener("keydown", unlock);
}

export function playSound(kind: "urgent" | "normal"): boolean {
  if (!audio || audio.state !== "running") return false;
  const beeps = kind === "urgent" ? [0, 0.25, 0.5] : [0];
  const frequency = kind === "urgent" ? 880 : 660;
  for (const offset of beeps) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, audio.currentTime + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + offset + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(audio.currentTime + offset);
    osc.stop(audio.currentTime + offset + 0.2);
  }
  return true;
}

export function vibrate(kind: "strong" | "light"): boolean {
  const activation = (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } })
    .userActivation;
  if (typeof navigator.vibrate !== "function" || (activation && !activation.hasBeenActive)) {
    return false;
  }
  return navigator.vibrate(kind === "strong" ? [300, 100, 300, 100, 300] : [150]);
}

async function systemNotification(options: BannerOptions): Promise<void> {
  if (document.visibilityState !== "hidden") return;
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const registration = await navigator.serviceWorker?.getRegistration();
  await registration?.showNotification(options.title, {
    body: options.body,
    tag: options.key,
    data: { url: options.href ?? "/" },
    requireInteraction: Boolean(options.urgent),
  });
}

/** The keys of the banners on screen (e.g. to drop question cards someone has answered). */
export function shownKeys(): string[] {
  return [...shown.keys()];
}

export function dismiss(key: string): void {
  const node = shown.get(key);
  if (!node) return;
  shown.delete(key);
  node.remove();
}

export function showBanner(options: BannerOptions): void {
  if (!container || shown.has(options.key)) return;
  const close = h(
    "button",
    { type: "button", class: "banner-close", "aria-label": t("alertDismiss"), onclick: () => dismiss(options.key) },
    "×",
  );
  const open = options.href
    ? h(
        "a",
        {
          class: "button small",
          href: options.href,
          "data-testid": "banner-open",
          onclick: () => dismiss(options.key),
        },
        t("alertOpen"),
      )
    : null;
  const node = h(
    "div",
    {
      class: `banner banner-${options.kind}${options.urgent ? " urgent" : ""}`,
      role: options.urgent ? "alert" : "status",
      "data-testid": `banner-${options.kind}`,
    },
    h(
      "div",
      { class: "banner-text" },
      h("strong", { class: "banner-title" }, options.title),
      h("span", { class: "banner-body" }, options.body),
      options.meta ? h("span", { class: "banner-meta", "data-testid": "banner-meta" }, options.meta) : null,
    ),
    h("div", { class: "banner-actions" }, open, close),
  );
  shown.set(options.key, node);
  container.prepend(node);
  // What was asked for and what the browser allowed, for people debugging and for tests.
  if (options.sound) {
    node.dataset.sound = options.sound;
    node.dataset.soundPlayed = String(playSound(options.sound));
  }
  if (options.vibration) {
    node.dataset.vibration = options.vibration;
    node.dataset.vibrated = String(vibrate(options.vibration));
  }
  void systemNotification(options).catch(() => undefined);
  const timeout = options.timeoutMs === undefined ? (options.urgent ? 60_000 : 20_000) : options.timeoutMs;
  if (timeout !== null) window.setTimeout(() => dismiss(options.key), timeout);
}
