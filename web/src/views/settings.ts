// Notification settings (GET/PUT /api/me/settings), Web Push, language.

import { humanError } from "../errors";
import { api } from "../api";
import { h, replaceChildren, uniqueId } from "../dom";
import { REGIONS, regionName } from "../hotspots";
import { t, type Key } from "../i18n";
import { languageMenu } from "../language";
import { session } from "../session";
import { ANSWER_LANGUAGES, normalizeLanguages, type AnswerLanguage } from "../state/duty";
import { pushBoxChecked, settingsSections, withDefaults, type Section } from "../state/settingsplan";
import { onDutyCard } from "./duty";
import { enablePush, currentPushSubscription, pushSupported } from "../push";
import { normalizeTag, removeTag } from "../state/hashtags";
import type { NotificationSettings } from "../types";
import { setHomeRadius } from "./home";
import { errorBox, field, renderTagChips, showError, type View } from "./view";

const MAX_MUTED = 50;
const MAX_INTERESTS = 50;
const LANGUAGE_LABEL: Record<AnswerLanguage, Key> = { ko: "langKo", en: "langEn", zh: "langZh", ja: "langJa" };
const RADII = [1_000, 2_000, 3_000, 5_000, 10_000, 20_000, 50_000];

function checkbox(label: string, checked: boolean, testid: string): { el: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "checkbox", checked, "data-testid": testid });
  return { el: h("label", { class: "check" }, input, h("span", {}, label)), input };
}

/** A hashtag list edited as chips (muted tags, interests). */
function tagEditor(initial: readonly string[], max: number, testid: string): { el: HTMLElement; input: HTMLInputElement; tags: () => string[] } {
  let tags = [...initial];
  const chips = h("ul", { class: "chips" });
  const input = h("input", { type: "text", placeholder: t("hashtagPlaceholder"), "data-testid": testid });
  const render = (): void => {
    renderTagChips(chips, tags, (tag) => {
      tags = removeTag(tags, tag);
      render();
    });
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      const tag = normalizeTag(input.value);
      if (tag && !tags.includes(tag) && tags.length < max) tags = [...tags, tag];
      input.value = "";
      render();
    }
  });
  render();
  return { el: h("div", {}, chips, input), input, tags: () => tags };
}

/** Checkboxes for a set of codes; returns the ticked ones in the given order. */
function checkGroup(
  legend: string,
  hint: string | null,
  options: readonly { code: string; label: string }[],
  chosen: readonly string[],
  testid: string,
): { el: HTMLElement; values: () => string[] } {
  const boxes = options.map((o) => ({ code: o.code, box: checkbox(o.label, chosen.includes(o.code), `${testid}-${o.code}`) }));
  return {
    el: h(
      "fieldset",
      { class: "field", "data-testid": testid },
      h("legend", {}, legend),
      hint ? h("p", { class: "hint" }, hint) : null,
      boxes.map((b) => b.box.el),
    ),
    values: () => boxes.filter((b) => b.box.input.checked).map((b) => b.code),
  };
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

  // An older server knows no answer languages and refuses unknown fields: leave them out.
  const build = (s: NotificationSettings, hasLanguages: boolean): void => {
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
    const muted = tagEditor(s.mutedHashtags, MAX_MUTED, "set-muted");
    const interests = tagEditor(s.interests, MAX_INTERESTS, "set-interests");
    const followed = checkGroup(
      t("setFollowedRegions"),
      t("setFollowedHint"),
      REGIONS.map((r) => ({ code: r.code, label: regionName(r.code) })),
      s.followedRegions,
      "set-followed",
    );
    const languages = checkGroup(
      t("setLanguages"),
      t("setLanguagesHint"),
      ANSWER_LANGUAGES.map((code) => ({ code, label: t(LANGUAGE_LABEL[code]) })),
      normalizeLanguages(s.languages),
      "set-languages",
    );
    const channels = {
      socket: checkbox(t("chSocket"), s.channels.socket, "ch-socket"),
      push: checkbox(t("chPush"), pushBoxChecked(s.channels, subscribed), "ch-push"),
      email: checkbox(t("chEmail"), s.channels.email, "ch-email"),
      sms: checkbox(t("chSms"), s.channels.sms, "ch-sms"),
    };
    let pushTouched = false;
    channels.push.input.addEventListener("change", () => {
      pushTouched = true;
    });
    const mutedId = uniqueId("muted");
    muted.input.id = mutedId;
    const interestsId = uniqueId("interests");
    interests.input.id = interestsId;
    const sectionEl: Record<Section, HTMLElement | null> = {
      onDuty: onDutyCard(),
      immediate: h("div", { class: "field" }, immediate.el, h("p", { class: "hint" }, t("setImmediateHint"))),
      radius: field(uniqueId("radius"), t("setRadius"), radius),
      interests: h(
        "div",
        { class: "field" },
        h("label", { for: interestsId }, t("setInterests")),
        h("p", { class: "hint" }, t("setInterestsHint")),
        interests.el,
      ),
      followedRegions: followed.el,
      languages: hasLanguages ? languages.el : null,
      muted: h("div", { class: "field" }, h("label", { for: mutedId }, t("setMuted")), muted.el),
      quiet: h("div", { class: "field" }, quietOn.el, quietTimes),
      channels: h(
        "fieldset",
        { class: "field" },
        h("legend", {}, t("setChannels")),
        channels.socket.el,
        channels.push.el,
        subscribed ? null : h("p", { class: "hint", "data-testid": "push-box-hint" }, t("pushNoSubscription")),
        channels.email.el,
        channels.sms.el,
      ),
    };
    const form = h(
      "form",
      {
        class: "card form",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          showError(error, null);
          status.textContent = "";
          // The server takes what PUT may change: on duty has its own socket event.
          const { languages: _known, onDutyUntil: _duty, ...rest } = s;
          const next: NotificationSettings = {
            ...rest,
            immediateAlerts: immediate.input.checked,
            quietHours: quietOn.input.checked ? { start: quietStart.value, end: quietEnd.value } : null,
            radiusMeters: Number(radius.value),
            mutedHashtags: muted.tags(),
            interests: interests.tags(),
            followedRegions: followed.values(),
            ...(hasLanguages ? { languages: normalizeLanguages(languages.values()) } : {}),
            channels: {
              socket: channels.socket.input.checked,
              // Unticked only because this device has no subscription: another device may
              // have one, so the server's setting stays unless the person changed the box.
              push: pushTouched ? channels.push.input.checked : s.channels.push,
              email: channels.email.input.checked,
              sms: channels.sms.input.checked,
            },
          };
          try {
            const saved = await api.saveSettings(next);
            setHomeRadius(saved.radiusMeters);
            status.textContent = t("saved");
          } catch (e) {
            showError(error, t("saveFailed", { reason: humanError(e) }));
          }
        },
      },
      settingsSections(session.user).map((section) => sectionEl[section]),
      error,
      h("button", { type: "submit", class: "button primary wide", "data-testid": "settings-save" }, t("save")),
      status,
    );
    replaceChildren(body, form);
  };

  let subscribed = false;
  void Promise.all([api.settings(), currentPushSubscription().catch(() => null)])
    .then(([s, subscription]) => {
      subscribed = subscription !== null;
      setHomeRadius(s.radiusMeters);
      build(withDefaults(s), Array.isArray(s.languages));
    })
    .catch((e: unknown) => replaceChildren(body, h("p", { class: "form-error" }, humanError(e))));

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
