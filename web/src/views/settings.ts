// Notification settings (GET/PUT /api/me/settings), Web Push, language.

import { api } from "../api";
import { h, replaceChildren, uniqueId } from "../dom";
import { t } from "../i18n";
import { languageMenu } from "../language";
import { enablePush, currentPushSubscription, pushSupported } from "../push";
import { normalizeTag, removeTag } from "../state/hashtags";
import type { NotificationSettings } from "../types";
import { setHomeRadius } from "./home";
import { errorBox, field, renderTagChips, showError, type View } from "./view";

const MAX_MUTED = 50;
const RADII = [1_000, 2_000, 3_000, 5_000, 10_000, 20_000, 50_000];

function checkbox(label: string, checked: boolean, testid: string): { el: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "checkbox", checked, "data-testid": testid });
  return { el: h("label", { class: "check" }, input, h("span", {}, label)), input };
}

export function settingsView(): View {
  const body = h("div", {}, h("p", { class: "hint" }, "…"));
  const status = h("p", { class: "note", role: "status", "data-testid": "settings-status" });
  const error = errorBox();

  const pushStatus = h("p", { class: "hint", role: "status", "data-testid": "push-status" });
  const pushButton = h(
    "button",
    {
      type: "button",
      class: "button",
      "data-testid": "enable-push",
      onclick: async () => {
        pushButton.disabled = true;
        const result = await enablePush();
        pushButton.disabled = false;
        if (result === "subscribed") pushStatus.textContent = t("pushOn");
        else if (result === "unsupported") pushStatus.textContent = t("pushUnsupported");
        else if (result === "denied") pushStatus.textContent = t("pushDenied");
        else pushStatus.textContent = t("pushFailed", { reason: result.failed });
      },
    },
    t("setPush"),
  );
  if (!pushSupported()) {
    pushButton.disabled = true;
    pushStatus.textContent = t("pushUnsupported");
  } else {
    void currentPushSubscription().then((sub) => {
      if (sub) pushStatus.textContent = t("pushOn");
    });
  }

  const langSelect = languageMenu("language");
  langSelect.removeAttribute("aria-label"); // labelled by the visible <label> below

  const build = (s: NotificationSettings): void => {
    const immediate = checkbox(t("setImmediate"), s.immediateAlerts, "set-immediate");
    const quietOn = checkbox(t("setQuiet"), s.quietHours !== null, "set-quiet");
    const quietStart = h("input", { type: "time", value: s.quietHours?.start ?? "22:00" });
    const quietEnd = h("input", { type: "time", value: s.quietHours?.end ?? "07:00" });
    const quietTimes = h(
      "div",
      { class: "row" },
      field(uniqueId("qs"), t("setQuietStart"), quietStart),
      field(uniqueId("qe"), t("setQuietEnd"), quietEnd),
    );
    quietTimes.hidden = s.quietHours === null;
    quietOn.input.addEventListener("change", () => {
      quietTimes.hidden = !quietOn.input.checked;
    });
    const radius = h(
      "select",
      { "data-testid": "set-radius" },
      [...new Set([...RADII, s.radiusMeters])]
        .sort((a, b) => a - b)
        .map((m) => h("option", { value: m, selected: m === s.radiusMeters }, m >= 1000 ? `${m / 1000}km` : `${m}m`)),
    );
    let muted = [...s.mutedHashtags];
    const mutedChips = h("ul", { class: "chips" });
    const mutedInput = h("input", { type: "text", placeholder: t("hashtagPlaceholder") });
    const renderMuted = (): void => {
      renderTagChips(mutedChips, muted, (tag) => {
        muted = removeTag(muted, tag);
        renderMuted();
      });
    };
    mutedInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        const tag = normalizeTag(mutedInput.value);
        if (tag && !muted.includes(tag) && muted.length < MAX_MUTED) muted = [...muted, tag];
        mutedInput.value = "";
        renderMuted();
      }
    });
    renderMuted();
    const channels = {
      socket: checkbox(t("chSocket"), s.channels.socket, "ch-socket"),
      push: checkbox(t("chPush"), s.channels.push, "ch-push"),
      email: checkbox(t("chEmail"), s.channels.email, "ch-email"),
      sms: checkbox(t("chSms"), s.channels.sms, "ch-sms"),
    };
    const mutedId = uniqueId("muted");
    mutedInput.id = mutedId;
    const form = h(
      "form",
      {
        class: "card form",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          showError(error, null);
          status.textContent = "";
          const next: NotificationSettings = {
            ...s,
            immediateAlerts: immediate.input.checked,
            quietHours: quietOn.input.checked ? { start: quietStart.value, end: quietEnd.value } : null,
            radiusMeters: Number(radius.value),
            mutedHashtags: muted,
            channels: {
              socket: channels.socket.input.checked,
              push: channels.push.input.checked,
              email: channels.email.input.checked,
              sms: channels.sms.input.checked,
            },
          };
          try {
            const saved = await api.saveSettings(next);
            setHomeRadius(saved.radiusMeters);
            status.textContent = t("saved");
          } catch (e) {
            showError(error, t("saveFailed", { reason: e instanceof Error ? e.message : String(e) }));
          }
        },
      },
      h("div", { class: "field" }, immediate.el, h("p", { class: "hint" }, t("setImmediateHint"))),
      h("div", { class: "field" }, quietOn.el, quietTimes),
      field(uniqueId("radius"), t("setRadius"), radius),
      h("div", { class: "field" }, h("label", { for: mutedId }, t("setMuted")), mutedChips, mutedInput),
      h(
        "fieldset",
        { class: "field" },
        h("legend", {}, t("setChannels")),
        channels.socket.el,
        channels.push.el,
        channels.email.el,
        channels.sms.el,
      ),
      error,
      h("button", { type: "submit", class: "button primary wide", "data-testid": "settings-save" }, t("save")),
      status,
    );
    replaceChildren(body, form);
  };

  void api
    .settings()
    .then((s) => {
      setHomeRadius(s.radiusMeters);
      build(s);
    })
    .catch((e: unknown) => replaceChildren(body, h("p", { class: "form-error" }, t("errGeneric", { reason: String(e) }))));

  const langId = uniqueId("lang");
  langSelect.id = langId;
  const el = h(
    "section",
    { class: "settings" },
    h("h1", { class: "page-title", tabindex: "-1" }, t("settingsTitle")),
    body,
    h("div", { class: "card form" }, h("div", { class: "field" }, pushButton, pushStatus)),
    h("div", { class: "card form" }, h("div", { class: "field" }, h("label", { for: langId }, t("language")), langSelect)),
  );
  return { el, title: t("settingsTitle") };
}
