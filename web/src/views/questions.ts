// A question as a list item (home: nearby and own questions).

import { h } from "../dom";
import { formatDistance, t, timeAgo, type Key } from "../i18n";
import { roomPath } from "../router";
import type { Question, QuestionStatus } from "../types";

const STATUS_KEY: Record<QuestionStatus, Key> = {
  open: "statusOpen",
  answered: "statusAnswered",
  accepted: "statusAccepted",
  closed: "statusClosed",
};

export function questionCard(question: Question, unread = 0): HTMLElement {
  return h(
    "li",
    { class: "qitem" },
    h(
      "a",
      { class: "qcard", href: roomPath(question.id), "data-testid": "question-card", "data-question-id": question.id },
      h(
        "div",
        { class: "qcard-top" },
        question.urgency === "urgent" ? h("span", { class: "badge urgent" }, t("urgent")) : null,
        h("span", { class: `badge status-${question.status}` }, t(STATUS_KEY[question.status])),
        unread > 0
          ? h("span", { class: "badge unread", "data-testid": "unread-badge" }, t("unreadBadge", { count: unread }))
          : null,
      ),
      h("strong", { class: "qcard-title" }, question.title),
      h(
        "span",
        { class: "qcard-meta" },
        [
          question.distance !== undefined ? t("away", { distance: formatDistance(question.distance) }) : null,
          t("answersCount", { count: question.answerCount }),
          timeAgo(question.createdAt),
        ]
          .filter(Boolean)
          .join(" · "),
      ),
      question.hashtags.length
        ? h("span", { class: "qcard-tags" }, question.hashtags.map((tag) => `#${tag}`).join(" "))
        : null,
    ),
  );
}
