// Password reset by email: "/forgot" asks for the link, "/reset?token=…" sets the new
// password (users/password_reset.py on the server).

import { api } from "../api";
import { h, uniqueId } from "../dom";
import { humanError } from "../errors";
import { t } from "../i18n";
import { navigate } from "../router";
import { errorBox, field, showError, type View } from "./view";

export function forgotView(): View {
  const email = h("input", { type: "email", required: true, autocomplete: "email", "data-testid": "forgot-email" });
  const status = h("p", { class: "note", role: "status", "data-testid": "forgot-status" });
  const error = errorBox();
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        showError(error, null);
        try {
          await api.askPasswordReset(email.value.trim());
          status.textContent = t("forgotSent");
        } catch (e) {
          showError(error, humanError(e));
        }
      },
    },
    field(uniqueId("forgot"), t("email"), email),
    error,
    h("button", { type: "submit", class: "button primary wide", "data-testid": "forgot-submit" }, t("forgotSubmit")),
    status,
    h("p", {}, h("a", { href: "/login" }, t("toLogin"))),
  );
  const el = h("section", {}, h("h1", { class: "page-title", tabindex: "-1" }, t("forgotTitle")), form);
  return { el, title: t("forgotTitle") };
}

export function resetView(): View {
  const token = new URLSearchParams(location.search).get("token") ?? "";
  const password = h("input", { type: "password", required: true, minlength: 8, autocomplete: "new-password", "data-testid": "reset-password" });
  const error = errorBox();
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        showError(error, null);
        try {
          await api.confirmPasswordReset(token, password.value);
          navigate("/login", true);
        } catch (e) {
          showError(error, humanError(e));
        }
      },
    },
    field(uniqueId("reset"), t("newPassword"), password, t("passwordHint")),
    error,
    h("button", { type: "submit", class: "button primary wide", "data-testid": "reset-submit" }, t("resetSubmit")),
  );
  const el = h("section", {}, h("h1", { class: "page-title", tabindex: "-1" }, t("resetTitle")), form);
  return { el, title: t("resetTitle") };
}
