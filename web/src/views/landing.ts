// The first screen for newcomers (no account yet): what Dongne is, a few questions locals
// recently answered (read-only, GET /api/public/answered, no login), and the way in.

import { api } from "../api";
import { h, replaceChildren } from "../dom";
import { JEJU_CENTER, regionName } from "../hotspots";
import { t, timeAgo } from "../i18n";
import type { AnsweredQuestion } from "../types";
import type { View } from "./view";

function answeredCard(q: AnsweredQuestion): HTMLElement {
  return h(
    "li",
    { class: "card landing-q", "data-testid": "landing-question" },
    h("strong", {}, q.title),
    h("p", { class: "hint" }, [regionName(q.regionCode), timeAgo(q.createdAt)].filter(Boolean).join(" · ")),
    q.topAnswer
      ? h(
          "p",
          { class: "landing-answer" },
          h("span", { class: "badge verified" }, q.topAnswer.user.isLocalVerified ? t("verifiedLocal") : q.topAnswer.user.nickname),
          " ",
          q.topAnswer.content,
        )
      : null,
  );
}

export function landingView(): View {
  const list = h("ul", { class: "landing-list", "data-testid": "landing-list" }, h("li", { class: "hint" }, "…"));
  void api
    .publicAnswered(JEJU_CENTER.lat, JEJU_CENTER.lng)
    .then(({ questions }) =>
      replaceChildren(list, questions.length ? questions.map(answeredCard) : h("li", { class: "hint" }, t("landingNone"))),
    )
    .catch(() => replaceChildren(list, h("li", { class: "hint" }, t("landingNone"))));
  const el = h(
    "section",
    { class: "landing", "data-testid": "landing" },
    h("h1", { class: "page-title", tabindex: "-1" }, t("tagline")),
    h(
      "ul",
      { class: "landing-points" },
      h("li", {}, t("landingPoint1")),
      h("li", {}, t("landingPoint2")),
      h("li", {}, t("landingPoint3")),
    ),
    h(
      "p",
      { class: "row" },
      h("a", { href: "/signup", class: "button primary", "data-testid": "landing-signup" }, t("signupTitle")),
      h("a", { href: "/login", class: "button", "data-testid": "landing-login" }, t("loginTitle")),
    ),
    h("h2", {}, t("landingRecent")),
    list,
  );
  return { el, title: t("appName") };
}
