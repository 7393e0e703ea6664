// Nearby markers grouped on the map: markers closer than a few dozen screen pixels at the
// current zoom become one bubble with a count. Open and answered questions never share a
// bubble, so a glance tells where people are still waiting.

import type { LatLng } from "../types";

export interface Pin extends LatLng {
  id: string;
  answered: boolean;
}

export interface Cluster<P extends Pin> extends LatLng {
  key: string;
  answered: boolean;
  pins: P[];
}

const TILE = 256;

/** Web-Mercator pixel coordinates of a point at `zoom`. */
function pixels(at: LatLng, zoom: number): { x: number; y: number } {
  const scale = TILE * 2 ** zoom;
  const sin = Math.sin((at.lat * Math.PI) / 180);
  return {
    x: ((at.lng + 180) / 360) * scale,
    y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * scale,
  };
}

/**
 * Greedy grouping: each pin joins the first bubble of its kind (open/answered) whose first
 * pin lies within `radiusPx` screen pixels at `zoom`, or starts a new one. Centre = mean.
 */
export function clusterPins<P extends Pin>(pins: readonly P[], zoom: number, radiusPx = 40): Cluster<P>[] {
  const groups: { anchor: { x: number; y: number }; pins: P[] }[] = [];
  for (const pin of pins) {
    const at = pixels(pin, zoom);
    const group = groups.find(
      (g) => g.pins[0]?.answered === pin.answered && Math.hypot(g.anchor.x - at.x, g.anchor.y - at.y) <= radiusPx,
    );
    if (group) group.pins.push(pin);
    else groups.push({ anchor: at, pins: [pin] });
  }
  return groups.map(({ pins: list }) => ({
    key: `${list[0]?.answered ? "a" : "o"}:${list.map((p) => p.id).join(",")}`,
    answered: list[0]?.answered ?? false,
    pins: list,
    lat: list.reduce((sum, p) => sum + p.lat, 0) / list.length,
    lng: list.reduce((sum, p) => sum + p.lng, 0) / list.length,
  }));
}
