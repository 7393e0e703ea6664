// The notification history (GET /api/notifications), newest first; opening one marks it read.

import { api } from "../api";
import { appState, realtime } from "../app";
import { h, replaceChildren } from "../dom";
import { t, timeAgo } from "../i18n";
import { navigate, roomPath } from "../router";
import type { NotificationItem } from "../types";
import type { View } from "./view";

export function notificationsView(): View {
  const list = h("ul", { class: "nlist", "data-testid": "notification-list" });
  let items: NotificationItem[] = [];

  const open = async (item: NotificationItem): Promise<void> => {
    if (!item.readAt) {
      try {
        await api.markNotificationRead(item.id);
        item.readAt = new Date().toISOString();
        appState.set({ unreadNotifications: Math.max(0, appState.get().unreadNotifications - 1) });
      } catch {
        // still open it
      }
    }
    const questionId = item.data.questionId;
    if (typeof questionId === "string") navigate(roomPath(questionId));
    else render();
  };

  const render = (): void => {
    if (!items.length) {
      replaceChildren(list, h("li", { class: "empty" }, t("notificationsEmpty")));
      return;
    }
    replaceChildren(
      list,
      items.map((item) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: `nitem${item.readAt ? "" : " unread"}`,
              "data-testid": "notification-item",
              onclick: () => void open(item),
            },
            item.readAt ? null : h("span", { class: "dot", "aria-label": t("unread") }),
            h("strong", {}, item.title),
            h("span", { class: "nitem-body" }, item.message),
            h("time", { datetime: item.createdAt }, timeAgo(item.createdAt)),
          ),
        ),
      ),
    );
  };

  const load = async (): Promise<void> => {
    try {
      const page = await api.notifications();
      items = page.notifications;
      appState.set({ unreadNotifications: page.unreadCount });
    } catch {
      items = [];
    }
    render();
  };

  const stop = realtime.onDurable("notification", () => void load());
  void load();
  const el = h(
    "section",
    { class: "notifications" },
    h("h1", { class: "page-title", tabindex: "-1" }, t("notificationsTitle")),
    list,
  );
  return { el, title: t("notificationsTitle"), destroy: stop };
}
