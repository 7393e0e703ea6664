// The service worker: shows Web Push notifications and opens the question on click.
// Payload (src/dongne/infra/senders/webpush.py): {title, body, data: {questionId?...}, urgent, tag?}.
// `tag` names the event: a retried delivery of it replaces the one shown, never adds one.

/// <reference lib="webworker" />
export {};
declare const self: ServiceWorkerGlobalScope;

interface PushPayload {
  title?: string;
  body?: string;
  urgent?: boolean;
  tag?: string;
  data?: { questionId?: string; notificationId?: string; url?: string; [key: string]: unknown };
}

self.addEventListener("install", () => {
  void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

function targetUrl(data: PushPayload["data"]): string {
  if (data?.questionId) return `/q/${encodeURIComponent(data.questionId)}`;
  if (typeof data?.url === "string" && data.url.startsWith("/")) return data.url;
  return "/notifications";
}

self.addEventListener("push", (event) => {
  let payload: PushPayload = {};
  try {
    payload = (event.data?.json() ?? {}) as PushPayload;
  } catch {
    payload = { title: "동네물어봐", body: event.data?.text() ?? "" };
  }
  const data = payload.data ?? {};
  const options: NotificationOptions & { vibrate?: number[]; renotify?: boolean } = {
    body: payload.body ?? "",
    icon: "/icon.svg",
    badge: "/icon.svg",
    tag: payload.tag ?? data.notificationId ?? data.questionId ?? undefined,
    data: { ...data, url: targetUrl(data) },
    requireInteraction: Boolean(payload.urgent),
    vibrate: payload.urgent ? [300, 100, 300, 100, 300] : [150],
    lang: "ko",
  };
  event.waitUntil(self.registration.showNotification(payload.title ?? "동네물어봐", options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = (event.notification.data ?? {}) as { url?: string };
  const url = new URL(data.url ?? "/", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && "focus" in client) {
          await client.focus();
          if ("navigate" in client) await (client as WindowClient).navigate(url);
          return;
        }
      }
      await self.clients.openWindow(url);
    })(),
  );
});
