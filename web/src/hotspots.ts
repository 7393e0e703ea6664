// Jeju hotspots and regions, bundled at build time from the server's data files
// (vite.config.ts).

import data from "virtual:jeju-hotspots";
import regionData from "virtual:jeju-regions";
import { lang } from "./i18n";
import type { LatLng } from "./types";

export interface Hotspot {
  id: string;
  nameKo: string;
  nameEn: string;
  category: string;
  lat: number;
  lng: number;
  region: string;
}

export interface Region {
  code: string;
  nameKo: string;
  nameEn: string;
}

export const HOTSPOTS: readonly Hotspot[] = data;
export const REGIONS: readonly Region[] = regionData;

export function regionName(code: string | null | undefined): string {
  const region = REGIONS.find((r) => r.code === code);
  if (!region) return code ?? "";
  // Romanized names serve every language but Korean better than Hangul would.
  return lang() === "ko" ? region.nameKo : region.nameEn;
}

export const JEJU_CENTER: LatLng = { lat: 33.38, lng: 126.55 };

export function hotspotName(h: Hotspot): string {
  return lang() === "ko" ? h.nameKo : h.nameEn;
}

const EARTH_RADIUS_M = 6_371_008.8;

export function distanceM(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dphi = (b.lat - a.lat) * rad;
  const dlmb = (b.lng - a.lng) * rad;
  const s =
    Math.sin(dphi / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dlmb / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, s)));
}

/** The closest hotspot within `withinM`, to name where the user is. */
export function nearestHotspot(
  at: LatLng,
  spots: readonly Hotspot[] = HOTSPOTS,
  withinM = 3_000,
): Hotspot | null {
  let best: Hotspot | null = null;
  let bestD = Infinity;
  for (const spot of spots) {
    const d = distanceM(at, spot);
    if (d < bestD) {
      best = spot;
      bestD = d;
    }
  }
  return bestD <= withinM ? best : null;
}
