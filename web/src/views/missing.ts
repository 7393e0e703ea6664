// No dead ends: the page for a path the client doesn't know and for a question that is not
// there (never existed, or deleted by its asker or a moderator).

import { h } from "../dom";
import { t } from "../i18n";
import type { View } from "./view";

/** Why GET /api/questions/{id} found nothing: deleted (410) or unknown (404); null otherwise. */
export function questionMissing(status: number, code: string): "gone" | "deleted" | null {
  if (status === 410 || code === "deleted") return "deleted";
  if (status === 404 || code === "not_found") return "gone";
  return null;
}

function page(title: string, body: string, testid: string): HTMLElement {
  return h(
    "section",
    { class: "not-found", "data-testid": testid },
    h("h1", { class: "page-title", tabindex: "-1" }, title),
    h("p", {}, body),
    h("p", {}, h("a", { href: "/", class: "button primary" }, t("goHome")), " ", h("a", { href: "/ask", class: "button" }, t("askCta"))),
  );
}

export function missingQuestion(why: "gone" | "deleted"): HTMLElement {
  return why === "deleted"
    ? page(t("questionDeletedTitle"), t("questionDeletedBody"), "question-deleted")
    : page(t("questionNotFoundTitle"), t("questionNotFoundBody"), "question-not-found");
}

export function notFoundView(): View {
  return { el: page(t("notFoundTitle"), t("notFoundBody"), "not-found"), title: t("notFoundTitle") };
}
