// [17] "Answered before": matches under the ask form while typing, and the best earlier
// answer shown in the asker's room after posting, which they can take as solving it.

import { request } from "../api";
import { h, replaceChildren } from "../dom";
import { lang, t } from "../i18n";
import { roomPath } from "../router";
import type { LatLng } from "../types";

export interface SimilarItem {
  question: { id: string; title: string; regionCode: string; createdAt: string; hashtags: string[] };
  answer: { id: string; preview: string; accepted: boolean; createdAt: string };
  distanceMeters: number;
  score: number;
}

interface Suggestion {
  questionId: string;
  suggestion: SimilarItem | null;
  archiveAnswerId: string | null;
}

const DEBOUNCE_MS = 400;
const MIN_CHARS = 4;

const similarApi = {
  find: (q: string, at: LatLng) =>
    request<{ items: SimilarItem[] }>(
      "GET",
      `/api/questions/similar?q=${encodeURIComponent(q)}&lat=${at.lat}&lng=${at.lng}&limit=3`,
    ),
  deflect: (item: SimilarItem, at: LatLng) =>
    request<{ id: string }>("POST", "/api/questions/similar/deflections", {
      questionId: item.question.id,
      answerId: item.answer.id,
      location: { lat: at.lat, lng: at.lng },
    }),
  suggestion: (questionId: string) =>
    request<Suggestion>("GET", `/api/questions/${encodeURIComponent(questionId)}/archive-suggestion`),
  accept: (questionId: string, answerId: string) =>
    request<unknown>("POST", `/api/questions/${encodeURIComponent(questionId)}/archive-answer`, { answerId }),
};

/** "3일 전", "2 hours ago": the answer's age, always shown. */
export function answerAge(iso: string, now = Date.now()): string {
  const seconds = (Date.parse(iso) - now) / 1000;
  const format = new Intl.RelativeTimeFormat(lang(), { numeric: "auto" });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 31_536_000],
    ["month", 2_592_000],
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return t("justNow");
}

function matchCard(item: SimilarItem, actions: HTMLElement[]): HTMLElement {
  return h(
    "li",
    { class: "card similar-item", "data-testid": "similar-item" },
    h("a", { href: roomPath(item.question.id), class: "similar-title" }, item.question.title),
    h("p", { class: "similar-preview" }, item.answer.preview),
    h(
      "p",
      { class: "hint" },
      `${item.answer.accepted ? `${t("similarAccepted")} · ` : ""}${t("similarAnswered", { age: answerAge(item.answer.createdAt) })}`,
    ),
    h("div", { class: "similar-actions" }, actions),
  );
}

/** The panel under the ask form; `changed()` after every keystroke (debounced here). */
export function similarPanel(text: () => string, where: () => LatLng | null): { el: HTMLElement; changed: () => void } {
  const el = h("section", { class: "similar", "aria-live": "polite", hidden: true, "data-testid": "similar-panel" });
  let timer: number | undefined;
  let asked = "";
  let dismissed = false;
  const render = (items: SimilarItem[], at: LatLng): void => {
    if (!items.length || dismissed) {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    replaceChildren(
      el,
      h("h2", { class: "similar-head" }, t("similarHeading")),
      h(
        "ul",
        { class: "similar-list" },
        items.map((item) =>
          matchCard(item, [
            h(
              "button",
              {
                type: "button",
                class: "button primary",
                "data-testid": "similar-solved",
                onclick: async () => {
                  try {
                    await similarApi.deflect(item, at);
                    replaceChildren(el, h("p", { class: "similar-thanks", role: "status" }, t("similarThanks")));
                  } catch (error) {
                    el.append(h("p", { class: "error", role: "alert" }, t("errGeneric", { reason: String(error) })));
                  }
                },
              },
              t("similarSolved"),
            ),
          ]),
        ),
      ),
      h(
        "button",
        {
          type: "button",
          class: "button",
          "data-testid": "similar-ask-anyway",
          onclick: () => {
            dismissed = true;
            el.hidden = true;
          },
        },
        t("similarAskAnyway"),
      ),
    );
  };
  const look = async (): Promise<void> => {
    const q = text().trim();
    const at = where();
    if (q.length < MIN_CHARS || !at || q === asked) return;
    asked = q;
    try {
      const found = await similarApi.find(q, at);
      if (asked === q) render(found.items, at);
    } catch {
      el.hidden = true; // matching is a help, never in the way of asking
    }
  };
  const changed = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void look(), DEBOUNCE_MS);
  };
  return { el, changed };
}

/** In the asker's room: the best earlier answer, to take as solving the question. */
export function roomSuggestion(questionId: string): HTMLElement {
  const el = h("section", { class: "similar room-suggestion", hidden: true, "data-testid": "room-suggestion" });
  const show = (found: Suggestion): void => {
    const item = found.suggestion;
    if (!item) return;
    el.hidden = false;
    const solved = found.archiveAnswerId === item.answer.id;
    const take = h(
      "button",
      {
        type: "button",
        class: "button primary",
        "data-testid": "room-suggestion-accept",
        disabled: found.archiveAnswerId !== null,
        onclick: async () => {
          try {
            await similarApi.accept(questionId, item.answer.id);
            show({ ...found, archiveAnswerId: item.answer.id });
          } catch (error) {
            el.append(h("p", { class: "error", role: "alert" }, t("errGeneric", { reason: String(error) })));
          }
        },
      },
      solved ? t("similarSolvedDone") : t("similarSolved"),
    );
    replaceChildren(el, h("h2", { class: "similar-head" }, t("similarRoomHeading")), h("ul", { class: "similar-list" }, matchCard(item, [take])));
  };
  void similarApi.suggestion(questionId).then(show, () => undefined);
  return el;
}
