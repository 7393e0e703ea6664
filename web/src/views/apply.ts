// "현지인 인증 신청": a person who lives on Jeju says how they know the area, optionally with
// a photo of a document that only operators see; an operator decides
// (users/applications.py). Shows the state of their latest application.

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
        ? t(a.hasDocument ? "applyPendingWithDocument" : "applyPending")
        : a.status === "declined"
          ? t("applyDeclined", { reason: a.declineReason ?? "" })
          : t("applyApproved"),
    );
  const form = (): HTMLElement => {
    const id = uniqueId("statement");
    const statement = h("textarea", { id, rows: 4, minlength: 10, maxlength: 1000, required: true, "data-testid": "apply-statement" });
    const documentId = uniqueId("document");
    const documentInput = h("input", { id: documentId, type: "file", class: "file-field", accept: "image/jpeg,image/png,image/webp", "data-testid": "apply-document" });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    return h(
      "form",
      {
        onsubmit: async (event: Event) => {
          event.preventDefault();
          let application: LocalApplication;
          try {
            application = await api.applyLocal(statement.value.trim());
          } catch (e) {
            error.textContent = humanError(e);
            error.hidden = false;
            return;
          }
          replaceChildren(body, statusOf(application));
          const photo = documentInput.files?.[0];
          if (!photo) return;
          // The application stands without the photo; a failed upload only says why.
          try {
            replaceChildren(body, statusOf(await api.addApplicationDocument(photo)));
          } catch (e) {
            body.append(h("p", { class: "form-error", role: "alert" }, humanError(e)));
          }
        },
      },
      h("label", { for: id }, t("applyStatement")),
      h("p", { class: "hint" }, t("applyHint")),
      statement,
      h("label", { for: documentId }, t("applyDocument")),
      h("p", { class: "hint" }, t("applyDocumentHint")),
      documentInput,
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
