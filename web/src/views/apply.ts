// "현지인 인증 신청": a person who lives on Jeju says how they know the area; an operator
// decides (users/applications.py). Shows the state of their latest application.

import { api } from "../api";
import { h, replaceChildren, uniqueId } from "../dom";
import { humanError } from "../errors";
import { t } from "../i18n";
import { session } from "../session";
import type { LocalApplication } from "../types";

export function applyCard(): HTMLElement | null {
  if (!session.user || session.user.isLocalVerified) return null;
  const body = h("div", {});
  const card = h("section", { class: "card form", "data-testid": "local-apply" }, h("h2", {}, t("applyTitle")), body);
  const statusOf = (a: LocalApplication): HTMLElement =>
    h(
      "p",
      { class: "note", role: "status", "data-testid": "apply-status" },
      a.status === "pending"
        ? t("applyPending")
        : a.status === "declined"
          ? t("applyDeclined", { reason: a.declineReason ?? "" })
          : t("applyApproved"),
    );
  const form = (): HTMLElement => {
    const id = uniqueId("statement");
    const statement = h("textarea", { id, rows: 4, minlength: 10, maxlength: 1000, required: true, "data-testid": "apply-statement" });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    return h(
      "form",
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          try {
            const application = await api.applyLocal(statement.value.trim());
            replaceChildren(body, statusOf(application));
          } catch (e) {
            error.textContent = humanError(e);
            error.hidden = false;
          }
        },
      },
      h("label", { for: id }, t("applyStatement")),
      h("p", { class: "hint" }, t("applyHint")),
      statement,
      error,
      h("button", { type: "submit", class: "button primary wide", "data-testid": "apply-submit" }, t("applySubmit")),
    );
  };
  void api
    .myLocalApplication()
    .then(({ application }) => {
      if (application?.status === "pending") replaceChildren(body, statusOf(application));
      else replaceChildren(body, application ? statusOf(application) : null, form());
    })
    .catch(() => replaceChildren(body, form()));
  return card;
}
