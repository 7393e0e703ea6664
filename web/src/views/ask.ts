// Ask: title, content, hashtag chips (≤ 5), urgent toggle, position (GPS, map or hotspot), photos.

import { humanError } from "../errors";
import { appState, myQuestions, realtime } from "../app";
import { h, replaceChildren, uniqueId } from "../dom";
import { t } from "../i18n";
import { HOTSPOTS, hotspotName, JEJU_CENTER } from "../hotspots";
import { icon } from "../icons";
import { navigate, roomPath } from "../router";
import { addTag, MAX_HASHTAGS, removeTag, splitTagInput } from "../state/hashtags";
import { pickSource, type Permission, type Source } from "../state/source";
import type { LatLng, Question } from "../types";
import { imagePicker } from "./images";
import { similarPanel } from "./similar";
import { createMap, mapUnavailableNote, type MapHandle } from "./map";
import { errorBox, field, renderTagChips, showError, type View } from "./view";


export function askView(): View {
  const cleanups: (() => void)[] = [];
  const title = h("input", { type: "text", name: "title", required: true, maxlength: 100, placeholder: t("fieldTitlePlaceholder") });
  const content = h("textarea", { name: "content", required: true, maxlength: 1000, rows: 4, placeholder: t("fieldContentPlaceholder") });
  const counter = h("span", { class: "hint counter", "aria-live": "polite" });
  const updateCounter = (): void => {
    counter.textContent = t("charCount", { count: content.value.length, max: 1000 });
  };
  content.addEventListener("input", updateCounter);
  updateCounter();

  // ---- hashtags ----
  let tags: string[] = [];
  const chips = h("ul", { class: "chips", "aria-label": t("hashtagList") });
  const tagInput = h("input", { type: "text", placeholder: t("hashtagPlaceholder"), autocomplete: "off", enterkeyhint: "done" });
  const tagNote = h("p", { class: "hint", role: "status" });
  const renderChips = (): void => {
    renderTagChips(chips, tags, (tag) => {
      tags = removeTag(tags, tag);
      renderChips();
      tagInput.focus();
    });
    tagInput.disabled = tags.length >= MAX_HASHTAGS;
    tagNote.textContent = tags.length >= MAX_HASHTAGS ? t("hashtagFull") : "";
  };
  const commitTags = (texts: string[]): void => {
    for (const text of texts) {
      const result = addTag(tags, text);
      tags = result.tags;
    }
    renderChips();
  };
  tagInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      commitTags([tagInput.value]);
      tagInput.value = "";
    } else if (event.key === "Backspace" && tagInput.value === "" && tags.length) {
      tags = tags.slice(0, -1);
      renderChips();
    }
  });
  tagInput.addEventListener("input", () => {
    const { complete, rest } = splitTagInput(tagInput.value);
    if (complete.length) {
      commitTags(complete);
      tagInput.value = rest;
    }
  });

  // ---- urgency ----
  const urgent = h("input", { type: "checkbox", role: "switch", name: "urgent", "data-testid": "urgent" });

  // ---- position ----
  // GPS whenever the device can give it; the radios follow until the person picks one.
  let permission: Permission = "unknown";
  let chosen: Source | null = null;
  const decide = () =>
    pickSource({
      hasFix: appState.get().position !== null,
      geoError: appState.get().positionError,
      permission,
      chosen,
    });
  let source: Source = decide().source;
  let picked: LatLng | null = null;
  const positionStatus = h("p", { class: "hint", role: "status", "data-testid": "position-status" });
  const hotspotSelect = h(
    "select",
    { name: "hotspot" },
    h("option", { value: "" }, t("posChooseHotspot")),
    [...HOTSPOTS]
      .sort((a, b) => hotspotName(a).localeCompare(hotspotName(b), "ko"))
      .map((spot) => h("option", { value: spot.id }, hotspotName(spot))),
  );
  const hotspotField = field(uniqueId("hotspot"), t("posHotspotLabel"), hotspotSelect);
  const mapSlot = h("div", { class: "map-slot" });
  let map: MapHandle | null = null;
  const group = uniqueId("pos");
  const radios = (["gps", "map", "hotspot"] as const).map((value) => {
    const input = h("input", { type: "radio", name: group, value, checked: value === source, "data-testid": `pos-${value}` });
    input.addEventListener("change", () => {
      if (input.checked) {
        chosen = value;
        source = value;
        renderPosition();
      }
    });
    return h("label", { class: "radio" }, input, t(value === "gps" ? "posGps" : value === "map" ? "posMap" : "posHotspot"));
  });
  const chosenPosition = (): LatLng | null => {
    if (source === "gps") return appState.get().position;
    if (source === "map") return picked;
    const spot = HOTSPOTS.find((s) => s.id === hotspotSelect.value);
    return spot ? { lat: spot.lat, lng: spot.lng } : null;
  };
  const renderPosition = (): void => {
    const decision = decide();
    if (decision.source !== source) {
      source = decision.source;
      for (const label of radios) {
        const radio = label.querySelector("input");
        if (radio) radio.checked = radio.value === source;
      }
    }
    hotspotField.hidden = source !== "hotspot";
    mapSlot.hidden = source !== "map";
    if (source === "map" && !map && !mapSlot.firstChild) {
      map = createMap({
        center: appState.get().position ?? JEJU_CENTER,
        zoom: appState.get().position ? 14 : 10,
        label: t("posMap"),
        onPick: (at) => {
          picked = at;
          map?.setPicked(at);
          renderPosition();
        },
        onUnavailable: () => {
          replaceChildren(mapSlot, mapUnavailableNote(t("mapUnavailablePick")));
          map = null;
        },
      });
      mapSlot.append(map.el, h("p", { class: "hint" }, t("posMapHint")));
    }
    const at = chosenPosition();
    if (decision.notice === "gpsDenied" && source !== "gps") {
      positionStatus.textContent = at ? `${t("posGpsDenied")} ${t("posPicked", { lat: at.lat.toFixed(5), lng: at.lng.toFixed(5) })}` : t("posGpsDenied");
    } else if (source === "gps" && !at) {
      positionStatus.textContent = decision.notice === "gpsDenied" ? t("posGpsDenied") : t("posGpsWaiting");
    } else {
      positionStatus.textContent = at ? t("posPicked", { lat: at.lat.toFixed(5), lng: at.lng.toFixed(5) }) : "";
    }
  };
  hotspotSelect.addEventListener("change", renderPosition);
  void navigator.permissions
    ?.query({ name: "geolocation" })
    .then((status) => {
      permission = status.state;
      renderPosition();
    })
    .catch(() => undefined);
  cleanups.push(appState.subscribe(() => renderPosition()));

  // ---- photos ----
  const photos = imagePicker(uniqueId("photos"));

  const similar = similarPanel(() => `${title.value}\n${content.value}`, chosenPosition);
  for (const input of [title, content]) input.addEventListener("input", similar.changed);
  const error = errorBox();
  const submit = h("button", { type: "submit", class: "button primary wide", "data-testid": "ask-submit" }, t("submitQuestion"));
  const form = h(
    "form",
    {
      class: "card form",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        showError(error, null);
        if (tagInput.value.trim()) {
          commitTags([tagInput.value]);
          tagInput.value = "";
        }
        const where = chosenPosition();
        if (!title.value.trim() || !content.value.trim()) return showError(error, t("errNeedTitle"));
        if (!where) return showError(error, t("errNeedPosition"));
        if (!realtime.connected) return showError(error, t("errOfflineSend"));
        submit.disabled = true;
        submit.textContent = t("submitting");
        const ack = await realtime.request<{ question: Question }>("create_question", {
          title: title.value.trim(),
          content: content.value.trim(),
          location: { lat: where.lat, lng: where.lng },
          hashtags: tags,
          urgency: urgent.checked ? "urgent" : "normal",
          imageIds: photos.ids(),
        });
        submit.disabled = false;
        submit.textContent = t("submitQuestion");
        if (!ack.ok) return showError(error, humanError(ack.error));
        myQuestions().remember(ack.question.id);
        // The room offers push right after posting ("답변이 오면 알려 드릴까요?").
        navigate(`${roomPath(ack.question.id)}?posted=1`);
      },
    },
    field(uniqueId("title"), t("fieldTitle"), title),
    h("div", { class: "field" }, h("label", { for: "ask-content" }, t("fieldContent")), content, counter),
    h(
      "div",
      { class: "field" },
      h("label", { for: "ask-tags" }, t("fieldHashtags")),
      chips,
      tagInput,
      tagNote,
    ),
    h(
      "div",
      { class: "field switch-field" },
      h("label", { class: "switch", for: "ask-urgent" }, urgent, h("span", {}, t("fieldUrgent"))),
      h("p", { class: "hint", id: "ask-urgent-hint" }, t("urgentHint")),
    ),
    h(
      "fieldset",
      { class: "field" },
      h("legend", {}, t("fieldPosition")),
      h("div", { class: "radios" }, radios),
      hotspotField,
      mapSlot,
      positionStatus,
    ),
    h(
      "div",
      { class: "field" },
      h("span", { class: "field-label", id: "ask-photos-label" }, t("fieldImages")),
      photos.input,
      h("label", { for: photos.input.id, class: "button" }, icon("camera"), t("addPhotos")),
      photos.el,
    ),
    similar.el,
    error,
    submit,
  );
  content.id = "ask-content";
  tagInput.id = "ask-tags";
  urgent.id = "ask-urgent";
  urgent.setAttribute("aria-describedby", "ask-urgent-hint");
  renderChips();
  renderPosition();
  const el = h("section", { class: "ask" }, h("h1", { class: "page-title", tabindex: "-1" }, t("askTitle")), form);
  return {
    el,
    title: t("askTitle"),
    destroy: () => {
      for (const cleanup of cleanups) cleanup();
      map?.destroy();
    },
  };
}
