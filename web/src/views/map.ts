// A Leaflet map with OpenStreetMap tiles. Without a network (tiles fail or never load),
// it reports itself unavailable and the screen falls back to its list.

import type * as Leaflet from "leaflet";
import { h } from "../dom";
import { t } from "../i18n";
import { clusterPins } from "../state/cluster";
import type { LatLng } from "../types";

const TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const TILE_DEADLINE_MS = 6_000;

export interface MapMarker extends LatLng {
  id: string;
  label: string;
  urgent?: boolean;
  /** Answered questions are drawn (and grouped) apart from open ones. */
  answered?: boolean;
  href?: string;
}

export interface MapHandle {
  el: HTMLElement;
  setCenter(at: LatLng, zoom?: number): void;
  setMarkers(markers: MapMarker[]): void;
  setSelf(at: LatLng | null): void;
  setPicked(at: LatLng | null): void;
  destroy(): void;
}

export interface MapOptions {
  center: LatLng;
  zoom?: number;
  onPick?: (at: LatLng) => void;
  onUnavailable: () => void;
  label: string;
}

export function createMap(options: MapOptions): MapHandle {
  const el = h("div", { class: "map", role: "region", "aria-label": options.label, "data-testid": "map" });
  let map: Leaflet.Map | null = null;
  let L: typeof Leaflet | null = null;
  let markers: Leaflet.LayerGroup | null = null;
  let self: Leaflet.CircleMarker | null = null;
  let picked: Leaflet.CircleMarker | null = null;
  let destroyed = false;
  let failed = false;
  // What was asked for while Leaflet was still loading, applied once it is there
  // (a first GPS fix often comes in that window and must not be lost).
  let pending: {
    center?: { at: LatLng; zoom?: number };
    markers?: MapMarker[];
    self?: LatLng | null;
    picked?: LatLng | null;
  } = {};
  let shownMarkers: MapMarker[] = [];

  const fail = (): void => {
    if (failed || destroyed) return;
    failed = true;
    el.hidden = true;
    options.onUnavailable();
  };

  if (typeof navigator !== "undefined" && navigator.onLine === false) {
    queueMicrotask(fail);
  }

  void import("leaflet")
    .then(async (module) => {
      await import("leaflet/dist/leaflet.css");
      if (destroyed || failed) return;
      L = module;
      map = L.map(el, { zoomControl: true, attributionControl: true }).setView(
        [options.center.lat, options.center.lng],
        options.zoom ?? 13,
      );
      let loaded = 0;
      const tiles = L.tileLayer(TILE_URL, {
        maxZoom: 19,
        attribution: "© OpenStreetMap contributors",
      });
      tiles.on("tileload", () => {
        loaded += 1;
      });
      tiles.on("tileerror", () => {
        if (loaded === 0) fail();
      });
      tiles.addTo(map);
      window.setTimeout(() => {
        if (loaded === 0) fail();
      }, TILE_DEADLINE_MS);
      markers = L.layerGroup().addTo(map);
      if (options.onPick) {
        const onPick = options.onPick;
        map.on("click", (event: Leaflet.LeafletMouseEvent) => onPick({ lat: event.latlng.lat, lng: event.latlng.lng }));
      }
      map.on("zoomend", () => drawMarkers());
      const queued = pending;
      pending = {};
      if (queued.center) handle.setCenter(queued.center.at, queued.center.zoom);
      if (queued.markers) handle.setMarkers(queued.markers);
      if (queued.self !== undefined) handle.setSelf(queued.self);
      if (queued.picked !== undefined) handle.setPicked(queued.picked);
    })
    .catch(fail);

  /** One bubble per group of nearby markers (see state/cluster.ts), a pin for a lone one. */
  function drawMarkers(): void {
    if (!L || !markers || !map) return;
    const leaflet = L;
    const layer = markers;
    const zoom = map.getZoom();
    layer.clearLayers();
    const pins = shownMarkers.map((m) => ({ ...m, answered: m.answered ?? false }));
    for (const group of clusterPins(pins, zoom)) {
      const first = group.pins[0];
      if (group.pins.length === 1 && first) {
        const marker = leaflet.circleMarker([first.lat, first.lng], {
          radius: 9,
          color: first.urgent ? "#b3261e" : first.answered ? "#5f6368" : "#0b57d0",
          weight: 2,
          fillOpacity: first.answered ? 0.4 : 0.7,
          className: first.answered ? "pin-answered" : "pin-open",
        });
        marker.bindPopup(h("a", { href: first.href ?? "#" }, first.label));
        layer.addLayer(marker);
        continue;
      }
      const count = group.pins.length;
      const bubble = leaflet.marker([group.lat, group.lng], {
        icon: leaflet.divIcon({
          className: `map-cluster ${group.answered ? "answered" : "open"}`,
          html: `<span data-testid="map-cluster">${count}</span>`,
          iconSize: [34, 34],
        }),
        title: t(group.answered ? "clusterAnswered" : "clusterOpen", { count }),
      });
      bubble.on("click", () => map?.setView([group.lat, group.lng], Math.min(zoom + 2, 19)));
      layer.addLayer(bubble);
    }
  }

  const handle: MapHandle = {
    el,
    setCenter(at, zoom) {
      if (!map) {
        pending.center = { at, ...(zoom === undefined ? {} : { zoom }) };
        return;
      }
      map.setView([at.lat, at.lng], zoom ?? map.getZoom());
      el.dataset.center = `${at.lat.toFixed(4)},${at.lng.toFixed(4)}`;
    },
    setMarkers(list) {
      if (!L || !markers) {
        pending.markers = list;
        return;
      }
      shownMarkers = list;
      drawMarkers();
    },
    setSelf(at) {
      if (!L || !map) {
        pending.self = at;
        return;
      }
      self?.remove();
      self = at
        ? L.circleMarker([at.lat, at.lng], { radius: 7, color: "#1e8e3e", fillOpacity: 1 }).addTo(map)
        : null;
    },
    setPicked(at) {
      if (!L || !map) {
        pending.picked = at;
        return;
      }
      picked?.remove();
      picked = at
        ? L.circleMarker([at.lat, at.lng], { radius: 10, color: "#e8710a", fillOpacity: 0.8 }).addTo(map)
        : null;
    },
    destroy() {
      destroyed = true;
      map?.remove();
      map = null;
    },
  };
  return handle;
}

export function mapUnavailableNote(text = t("mapUnavailable")): HTMLElement {
  return h("p", { class: "note", role: "status", "data-testid": "map-unavailable" }, text);
}
