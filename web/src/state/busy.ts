// "Busy near Seongsan Ilchulbong now": which hot hotspots a verified local should hear
// about. The server decides what is hot (GET /api/hotspots); the client only picks the
// ones within reach of the local, nearest first.

import { distanceM } from "../hotspots";
import type { LatLng } from "../types";

/** One hotspot with its live counts, as `GET /api/hotspots` lists it. */
export interface LiveHotspot {
  code: string;
  name: string;
  nameEn: string;
  category: string;
  lat: number;
  lng: number;
  regionCode: string;
  onlineLocals: number;
  onlineTravelers: number;
  questionsLast15m: number;
  questionsLast60m: number;
  hot: boolean;
}

export interface HotspotList {
  radiusMeters: number;
  hotspots: LiveHotspot[];
}

/** A local this far away can still get there in a reasonable time to help. */
export const BUSY_WITHIN_M = 10_000;
/** More than this many notices at once would crowd the home screen. */
export const BUSY_SHOWN = 2;

/** Only verified locals answer, so only they are asked to look at busy places. */
export function watchesBusy(user: { isLocalVerified: boolean } | null): boolean {
  return user?.isLocalVerified === true;
}

/** Hot hotspots within `withinM` of the local, nearest first, at most `limit`. */
export function busyNearby(
  spots: readonly LiveHotspot[],
  at: LatLng | null,
  withinM = BUSY_WITHIN_M,
  limit = BUSY_SHOWN,
): LiveHotspot[] {
  if (!at) return [];
  return spots
    .filter((spot) => spot.hot)
    .map((spot) => ({ spot, d: distanceM(at, spot) }))
    .filter(({ d }) => d <= withinM)
    .sort((a, b) => a.d - b.d || a.spot.code.localeCompare(b.spot.code))
    .slice(0, limit)
    .map(({ spot }) => spot);
}
