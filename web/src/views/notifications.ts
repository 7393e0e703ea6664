// The notification history (GET /api/notifications), newest first; opening one marks it read.
// Above it, for locals, "나에게 온 질문": every question they were asked about (state/asked.ts).

import { api, ApiError } from "../api";
import { appState, askedQuestions, realtime } from "../app";
import { regionName } from "../hotspots";
import { askedStateOf, type AskedQuestion, type AskedState } from "../state/asked";
import { h, replaceChildren } from "../dom";
import { formatDistance, t, timeAgo, type Key } from "../i18n";
import { navigate, roomPath } from "../router";
import type { NotificationItem } from "../types";
import { questionMissing } from "./missing";
import type { View } from "./view";

const STATE_LABEL: Record<AskedState, Key> = {
  open: "askedOpen",
  claimed: "askedClaimed",
  answered: "askedAnswered",
  closed: "askedClosed",
};
/** How many of the newest still-open questions get their state re-read on opening the tab. */
const REFRESH_STATES = 20;

function askedSection(): { el: HTMLElement; destroy: () => void } {
  const list = h("ul", { class: "nlist", "data-testid": "asked-list" });
  const el = h("section", { class: "asked", "aria-labelledby": "asked-title" }, h("h2", { id: "asked-title" }, t("askedTitle")), list);
  const item = (q: AskedQuestion): HTMLElement =>
    h(
      "li",
      {},
      h(
        "a",
        {
          href: roomPath(q.id),
          class: `nitem${q.read ? "" : " unread"}`,
          "data-testid": "asked-item",
          "data-state": q.state,
          onclick: () => askedQuestions().markRead(q.id),
        },
        q.read ? null : h("span", { class: "dot", "aria-label": t("unread") }),
        h("strong", {}, q.urgent ? `[${t("urgent")}] ${q.title}` : q.title),
        h(
          "span",
          { class: "nitem-body" },
          [
            q.distanceMeters !== null ? t("away", { distance: formatDistance(q.distanceMeters) }) : null,
            regionName(q.regionCode),
          ]
            .filter(Boolean)
            .join(" · "),
        ),
        h("span", { class: `badge state-${q.state}` }, t(STATE_LABEL[q.state])),
        h("time", { datetime: q.askedAt }, timeAgo(q.askedAt)),
      ),
    );
  const render = (): void => {
    const items = askedQuestions().list();
    el.hidden = items.length === 0;
    replaceChildren(list, items.map(item));
  };
  const stop = askedQuestions().subscribe(render);
  render();
  // Re-read the states of the newest open ones: answered, claimed or closed since.
  for (const q of askedQuestions().open().slice(0, REFRESH_STATES)) {
    void api
      .question(q.id)
      .then((detail) => askedQuestions().setState(q.id, askedStateOf(detail)))
      .catch((e: unknown) => {
        // Deleted by its asker (or gone): nothing left to answer.
        if (e instanceof ApiError && questionMissing(e.status, e.code)) askedQuestions().setState(q.id, "closed");
      });
  }
  return { el, destroy: stop };
}

export function notificationsView(): View {
  const list = h("ul", { class: "nlist", "data-testid": "notification-list" });
  const asked = askedSection();
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
    asked.el,
    h("h2", {}, t("historyTitle")),
    list,
  );
  return {
    el,
    title: t("notificationsTitle"),
    destroy: () => {
      stop();
      asked.destroy();
    },
  };
}
