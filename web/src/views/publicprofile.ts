// A person's public profile (/u/{id}): nickname, verification, bio and how they answer.
// Never where they are or live: the server does not send it.

import { h, replaceChildren } from "../dom";
import { formatDate, t } from "../i18n";
import { session } from "../session";
import { publicProfile, trustParts } from "../trust";
import { messageActions } from "./report";
import type { View } from "./view";

export function publicProfileView(userId: string): View {
  const heading = h("h1", { class: "page-title", tabindex: "-1" }, t("publicProfileTitle"));
  const body = h("div", { class: "card", "data-testid": "public-profile", "aria-busy": "true" });
  publicProfile(userId).then(
    (profile) => {
      body.removeAttribute("aria-busy");
      heading.textContent = profile.nickname;
      const me = session.user?.id;
      const others = me !== undefined && me !== profile.id;
      replaceChildren(
        body,
        others ? messageActions({ kind: "user", user: profile }) : null,
        profile.isLocalVerified ? h("span", { class: "badge verified" }, t("verifiedLocal")) : null,
        profile.bio ? h("p", { class: "bio" }, profile.bio) : null,
        h("h2", { class: "section-title" }, t("trustLabel", { nickname: profile.nickname })),
        h("ul", { class: "trust-list", "data-testid": "trust" }, trustParts(profile.record).map((part) => h("li", {}, part))),
        h("p", { class: "hint" }, t("memberSince", { date: formatDate(profile.createdAt) })),
      );
    },
    () => {
      body.removeAttribute("aria-busy");
      replaceChildren(body, h("p", { class: "form-error", role: "alert" }, t("loadFailed")));
    },
  );
  return { el: h("section", { class: "public-profile" }, heading, body), title: t("publicProfileTitle") };
}

export function profilePath(userId: string): string {
  return `/u/${encodeURIComponent(userId)}`;
}
