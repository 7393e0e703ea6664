// Sign up and log in.

import { humanError } from "../errors";
import { api, ApiError } from "../api";
import { h } from "../dom";
import { t } from "../i18n";
import { navigate } from "../router";
import { session } from "../session";
import { errorBox, field, showError, type View } from "./view";

export function authView(mode: "login" | "signup"): View {
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = h("input", {
    type: "password",
    name: "password",
    autocomplete: mode === "login" ? "current-password" : "new-password",
    required: true,
    minlength: mode === "signup" ? 8 : 1,
    maxlength: 128,
  });
  const nickname = h("input", {
    type: "text",
    name: "nickname",
    autocomplete: "nickname",
    required: true,
    maxlength: 20,
  });
  const error = errorBox();
  const submit = h(
    "button",
    { type: "submit", class: "button primary wide", "data-testid": "auth-submit" },
    mode === "login" ? t("loginButton") : t("signupButton"),
  );

  const form = h(
    "form",
    {
      class: "card form",
      novalidate: false,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        showError(error, null);
        submit.disabled = true;
        try {
          const auth =
            mode === "login"
              ? await api.login(email.value.trim(), password.value)
              : await api.register(email.value.trim(), password.value, nickname.value.trim());
          session.signedIn(auth);
          navigate("/", true);
        } catch (e) {
          if (e instanceof ApiError && mode === "login" && e.status === 401) {
            showError(error, t("errLogin"));
          } else if (e instanceof ApiError && e.status === 409) {
            showError(error, t("errEmailTaken"));
          } else {
            showError(error, humanError(e));
          }
        } finally {
          submit.disabled = false;
        }
      },
    },
    field(`${mode}-email`, t("email"), email),
    field(
      `${mode}-password`,
      t("password"),
      password,
      mode === "signup" ? t("passwordHint") : undefined,
    ),
    mode === "signup" ? field("signup-nickname", t("nickname"), nickname) : null,
    error,
    submit,
  );

  const title = mode === "login" ? t("loginTitle") : t("signupTitle");
  const el = h(
    "section",
    { class: "auth" },
    h("p", { class: "tagline" }, t("tagline")),
    h("h1", { class: "page-title", tabindex: "-1" }, title),
    form,
    h(
      "p",
      { class: "center" },
      h("a", { href: mode === "login" ? "/signup" : "/login" }, mode === "login" ? t("toSignup") : t("toLogin")),
      mode === "login" ? h("a", { href: "/forgot", class: "forgot-link", "data-testid": "to-forgot" }, t("toForgot")) : null,
    ),
    mode === "login" ? h("p", { class: "hint center" }, t("demoHint")) : null,
  );
  return { el, title };
}
