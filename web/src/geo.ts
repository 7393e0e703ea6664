// The browser's geolocation, as a stream of positions.

import type { Position } from "./realtime";

export type GeoError = "unsupported" | "denied" | "unavailable";

export function watchPosition(
  onPosition: (position: Position) => void,
  onError: (error: GeoError) => void,
): () => void {
  if (!("geolocation" in navigator)) {
    onError("unsupported");
    return () => undefined;
  }
  const id = navigator.geolocation.watchPosition(
    (p) => onPosition({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy }),
    (e) => onError(e.code === e.PERMISSION_DENIED ? "denied" : "unavailable"),
    { enableHighAccuracy: true, maximumAge: 30_000, timeout: 20_000 },
  );
  return () => navigator.geolocation.clearWatch(id);
}
