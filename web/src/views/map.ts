// A Leaflet map with OpenStreetMap tiles. Without a network (tiles fail or never load),
// it reports itself unavailable and the screen falls back to its list.

import type * as Leaflet from "leaflet";
import { h } from "../dom";
import { t } from "../i18n";
import type { LatLng } from "../types";

const TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const TILE_DEADLINE_MS = 6_000;

export interface MapMarker extends LatLng {
  id: string;
  label: string;
  urgent?: boolean;
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
  let pending: { markers?: MapMarker[]; self?: LatLng | null; picked?: LatLng | null } = {};

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
      const queued = pending;
      pending = {};
      if (queued.markers) handle.setMarkers(queued.markers);
      if (queued.self !== undefined) handle.setSelf(queued.self);
      if (queued.picked !== undefined) handle.setPicked(queued.picked);
    })
    .catch(fail);

  const handle: MapHandle = {
    el,
    setCenter(at, zoom) {
      map?.setView([at.lat, at.lng], zoom ?? map.getZoom());
    },
    setMarkers(list) {
      if (!L || !markers) {
        pending.markers = list;
        return;
      }
      markers.clearLayers();
      for (const m of list) {
        const marker = L.circleMarker([m.lat, m.lng], {
          radius: 9,
          color: m.urgent ? "#b3261e" : "#0b57d0",
          weight: 2,
          fillOpacity: 0.7,
        });
        const link = h("a", { href: m.href ?? "#" }, m.label);
        marker.bindPopup(link);
        markers.addLayer(marker);
      }
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
