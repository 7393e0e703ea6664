// Home: where I am, nearby questions (map + list; the list alone without map tiles),
// and my own questions with their unseen answers.

import { api } from "../api";
import { appState, myQuestions, realtime } from "../app";
import { h, replaceChildren } from "../dom";
import { formatDistance, lang, t } from "../i18n";
import { distanceM, hotspotName, JEJU_CENTER, nearestHotspot } from "../hotspots";
import { roomPath } from "../router";
import { session } from "../session";
import { busyNearby, type LiveHotspot, watchesBusy } from "../state/busy";
import type { Question } from "../types";
import { createMap, mapUnavailableNote, type MapHandle } from "./map";
import { questionCard } from "./questions";
import type { View } from "./view";

const REFRESH_MS = 60_000;
// The server re-judges hot places every half minute; once a minute is fresh enough here.
const BUSY_REFRESH_MS = 60_000;
let radiusMeters = 5_000;

export function setHomeRadius(meters: number): void {
  radiusMeters = meters;
}

export function homeView(): View {
  const cleanups: (() => void)[] = [];
  const locationLine = h("p", { class: "location", "data-testid": "location", role: "status" });
  const nearbyList = h("ul", { class: "qlist", "data-testid": "nearby-list", "aria-live": "polite" });
  const mineList = h("ul", { class: "qlist", "data-testid": "my-questions" });
  const mapSlot = h("div", { class: "map-slot" });
  let map: MapHandle | null = null;
  let nearby: Question[] = [];
  let lastFetch: { lat: number; lng: number; at: number } | null = null;
  // Verified locals see the busy places near them: a nudge to where answers are needed.
  const busySlot = h("div", { class: "busy", "data-testid": "busy-near", role: "status", "aria-label": t("busyLabel") });
  let liveSpots: LiveHotspot[] = [];

  const tabNearby = h(
    "button",
    { type: "button", role: "tab", id: "tab-nearby", "aria-controls": "panel-nearby", "aria-selected": "true" },
    t("tabNearby"),
  );
  const tabMine = h(
    "button",
    { type: "button", role: "tab", id: "tab-mine", "aria-controls": "panel-mine", "aria-selected": "false", tabindex: "-1" },
    t("tabMine"),
  );
  const panelNearby = h(
    "div",
    { role: "tabpanel", id: "panel-nearby", "aria-labelledby": "tab-nearby" },
    mapSlot,
    nearbyList,
  );
  const panelMine = h(
    "div",
    { role: "tabpanel", id: "panel-mine", "aria-labelledby": "tab-mine", hidden: true },
    mineList,
  );
  const select = (which: "nearby" | "mine"): void => {
    const mine = which === "mine";
    tabNearby.setAttribute("aria-selected", String(!mine));
    tabMine.setAttribute("aria-selected", String(mine));
    tabNearby.tabIndex = mine ? -1 : 0;
    tabMine.tabIndex = mine ? 0 : -1;
    panelNearby.hidden = mine;
    panelMine.hidden = !mine;
    if (mine) void renderMine();
  };
  tabNearby.addEventListener("click", () => select("nearby"));
  tabMine.addEventListener("click", () => select("mine"));
  const tablist = h("div", { class: "tabs", role: "tablist", "aria-label": t("homeTitle") }, tabNearby, tabMine);
  tablist.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const toMine = tabNearby.getAttribute("aria-selected") === "true";
    select(toMine ? "mine" : "nearby");
    (toMine ? tabMine : tabNearby).focus();
  });

  const renderLocation = (): void => {
    const { position, positionError } = appState.get();
    if (position) {
      const spot = nearestHotspot(position);
      locationLine.textContent = spot
        ? t("locationNear", { place: hotspotName(spot) })
        : t("locationCoords", { lat: position.lat.toFixed(4), lng: position.lng.toFixed(4) });
    } else {
      locationLine.textContent = positionError ? t("locationUnknown") : t("locating");
    }
  };

  const renderBusy = (): void => {
    const position = appState.get().position;
    const shown = busyNearby(liveSpots, position);
    replaceChildren(
      busySlot,
      shown.map((spot) =>
        h(
          "div",
          { class: "banner urgent", "data-code": spot.code },
          h(
            "div",
            { class: "banner-text" },
            h("span", { class: "banner-body" }, t("busyNear", { place: lang() === "ko" ? spot.name : spot.nameEn })),
            h(
              "span",
              { class: "banner-meta" },
              t("busyDetail", {
                count: spot.questionsLast15m,
                distance: position ? formatDistance(distanceM(position, spot)) : "",
              }),
            ),
          ),
        ),
      ),
    );
  };

  const loadBusy = async (): Promise<void> => {
    if (!watchesBusy(session.user)) return;
    try {
      liveSpots = (await api.hotspots()).hotspots;
    } catch {
      // keep the last list
    }
    renderBusy();
  };

  const renderNearby = (): void => {
    if (!nearby.length) {
      replaceChildren(
        nearbyList,
        h("li", { class: "empty" }, appState.get().position ? t("noNearby", { radius: formatDistance(radiusMeters) }) : ""),
      );
    } else {
      replaceChildren(nearbyList, nearby.map((q) => questionCard(q, myQuestions().unread(q.id))));
    }
    map?.setMarkers(
      nearby.map((q) => ({
        id: q.id,
        lat: q.location.lat,
        lng: q.location.lng,
        label: q.title,
        urgent: q.urgency === "urgent",
        answered: q.status !== "open",
        href: roomPath(q.id),
      })),
    );
  };

  const loadNearby = async (force = false): Promise<void> => {
    const position = appState.get().position;
    if (!position) {
      renderNearby();
      return;
    }
    const now = Date.now();
    if (
      !force &&
      lastFetch &&
      now - lastFetch.at < REFRESH_MS &&
      Math.abs(lastFetch.lat - position.lat) + Math.abs(lastFetch.lng - position.lng) < 0.001
    ) {
      return;
    }
    lastFetch = { lat: position.lat, lng: position.lng, at: now };
    try {
      nearby = (await api.nearby(position.lat, position.lng, radiusMeters)).questions;
    } catch {
      // keep the last list
    }
    renderNearby();
  };

  const renderMine = async (): Promise<void> => {
    const ids = myQuestions().ids.slice(0, 20);
    if (!ids.length) {
      replaceChildren(mineList, h("li", { class: "empty" }, t("noMine"), " ", h("a", { href: "/ask" }, t("askCta"))));
      return;
    }
    const found = await Promise.all(ids.map((id) => api.question(id).catch(() => null)));
    const questions = found.filter((q): q is NonNullable<typeof q> => q !== null);
    replaceChildren(mineList, questions.map((q) => questionCard(q, myQuestions().unread(q.id))));
  };

  // The map centres on the first fix it sees, whenever it comes (before or after Leaflet loads).
  let centredOnFix = false;
  const setupMap = (): void => {
    const center = appState.get().position ?? JEJU_CENTER;
    centredOnFix = appState.get().position !== null;
    map = createMap({
      center,
      zoom: appState.get().position ? 14 : 10,
      label: t("mapLabel"),
      onUnavailable: () => {
        replaceChildren(mapSlot, mapUnavailableNote());
        map?.destroy();
        map = null;
      },
    });
    mapSlot.append(map.el);
    if (appState.get().position) map.setSelf(appState.get().position);
  };

  cleanups.push(
    appState.subscribe((state, previous) => {
      if (state.position !== previous.position || state.positionError !== previous.positionError) {
        renderLocation();
        if (state.position && !centredOnFix && map) {
          centredOnFix = true;
          map.setCenter(state.position, 14);
        }
        map?.setSelf(state.position);
        void loadNearby();
        renderBusy();
      }
    }),
    myQuestions().subscribe(() => {
      renderNearby();
      if (!panelMine.hidden) void renderMine();
    }),
    realtime.onDurable("new_question_notification", () => void loadNearby(true)),
    realtime.onDurable("answer_notification", () => void loadNearby(true)),
    realtime.onConnect(() => void loadNearby(true)),
    realtime.onConnect(() => void loadBusy()),
  );
  const timer = window.setInterval(() => void loadNearby(true), REFRESH_MS);
  const busyTimer = window.setInterval(() => void loadBusy(), BUSY_REFRESH_MS);
  cleanups.push(() => window.clearInterval(timer), () => window.clearInterval(busyTimer));

  const el = h(
    "section",
    { class: "home" },
    h(
      "div",
      { class: "row between" },
      h("h1", { class: "page-title", tabindex: "-1" }, t("homeTitle")),
      h(
        "button",
        { type: "button", class: "button small", onclick: () => void loadNearby(true) },
        t("refresh"),
      ),
    ),
    locationLine,
    busySlot,
    h("a", { class: "button primary wide ask-cta", href: "/ask", "data-testid": "ask-cta" }, t("askCta")),
    tablist,
    panelNearby,
    panelMine,
  );
  renderLocation();
  setupMap();
  void loadNearby(true);
  void loadBusy();
  return {
    el,
    title: t("homeTitle"),
    destroy: () => {
      for (const cleanup of cleanups) cleanup();
      map?.destroy();
    },
  };
}
