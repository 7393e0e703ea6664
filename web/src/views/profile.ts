// Profile: points, role and verification, editable nickname / bio / home area / phone.

import { humanError } from "../errors";
import { api } from "../api";
import { refreshMe } from "../app";
import { h, uniqueId } from "../dom";
import { t, type Key } from "../i18n";
import { REGIONS, regionName } from "../hotspots";
import { session } from "../session";
import type { Role } from "../types";
import { applyCard } from "./apply";
import { errorBox, field, showError, type View } from "./view";

const ROLE_KEY: Record<Role, Key> = { traveler: "roleTraveler", local: "roleLocal", admin: "roleAdmin" };


export function profileView(logout: () => void): View {
  const user = session.user;
  const points = h("strong", { class: "points-big", "data-testid": "profile-points" }, t("pointsValue", { points: user?.points ?? 0 }));
  const nickname = h("input", { type: "text", maxlength: 20, value: user?.nickname ?? "", required: true });
  const bio = h("textarea", { maxlength: 300, rows: 3 });
  bio.value = user?.bio ?? "";
  const region = h(
    "select",
    {},
    h("option", { value: "" }, t("noneSelected")),
    REGIONS.map((r) => h("option", { value: r.code, selected: user?.homeRegion === r.code }, regionName(r.code))),
  );
  const phone = h("input", { type: "tel", value: user?.phone ?? "", pattern: "\\+?[0-9]{8,15}", autocomplete: "tel" });
  const status = h("p", { class: "note", role: "status" });
  const error = errorBox();
  const unsubscribe = session.subscribe((u) => {
    if (u) points.textContent = t("pointsValue", { points: u.points });
  });
  void refreshMe();

  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        showError(error, null);
        try {
          const updated = await api.updateMe({
            nickname: nickname.value.trim(),
            bio: bio.value.trim(),
            homeRegion: region.value || null,
            phone: phone.value.trim() || null,
          });
          session.updateUser(updated);
          status.textContent = t("saved");
        } catch (e) {
          showError(error, t("saveFailed", { reason: humanError(e) }));
        }
      },
    },
    field(uniqueId("nick"), t("nickname"), nickname),
    field(uniqueId("bio"), t("bio"), bio),
    field(uniqueId("region"), t("homeRegion"), region),
    field(uniqueId("phone"), t("phone"), phone, t("phoneHint")),
    error,
    h("button", { type: "submit", class: "button primary wide" }, t("save")),
    status,
  );

  const el = h(
    "section",
    { class: "profile" },
    h("h1", { class: "page-title", tabindex: "-1" }, t("profileTitle")),
    h(
      "div",
      { class: "card profile-card" },
      h("p", { class: "profile-name" }, user?.nickname ?? "", " ", h("span", { class: "hint" }, user?.email ?? "")),
      h("p", {}, h("span", { class: "label" }, t("points")), " ", points),
      h(
        "p",
        {},
        h("span", { class: "label" }, t("role")),
        " ",
        user ? t(ROLE_KEY[user.role]) : "",
        " · ",
        user?.isLocalVerified ? h("span", { class: "badge verified" }, t("verified")) : t("notVerified"),
      ),
    ),
    // The dashboard is a page of its own (/admin) that checks the role again itself.
    user?.role === "admin"
      ? h("a", { class: "button wide", href: "/admin", "data-testid": "admin-link" }, t("adminDashboard"))
      : null,
    form,
    applyCard(),
    h("button", { type: "button", class: "button wide", "data-testid": "logout", onclick: logout }, t("logout")),
  );
  return { el, title: t("profileTitle"), destroy: unsubscribe };
}
