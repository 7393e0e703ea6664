// Where a new question is placed when the ask form opens: GPS whenever the device can give
// it (already a fix, or permission granted or not yet asked), a hotspot when it cannot
// (permission denied, no geolocation), and the person is told at once rather than after
// filling in everything. A choice the person made is never overridden.

export type Source = "gps" | "map" | "hotspot";
export type Permission = "granted" | "denied" | "prompt" | "unknown";

export interface SourceInput {
  hasFix: boolean;
  geoError: "unsupported" | "denied" | "unavailable" | null;
  permission: Permission;
  chosen: Source | null;
}

export interface SourceDecision {
  source: Source;
  /** What to say next to the position at once. */
  notice: "gpsDenied" | "gpsWaiting" | null;
}

export function pickSource(input: SourceInput): SourceDecision {
  const gpsBlocked =
    input.permission === "denied" || input.geoError === "denied" || input.geoError === "unsupported";
  if (input.chosen) {
    const waiting = input.chosen === "gps" && !input.hasFix;
    return { source: input.chosen, notice: waiting ? (gpsBlocked ? "gpsDenied" : "gpsWaiting") : null };
  }
  if (input.hasFix) return { source: "gps", notice: null };
  if (gpsBlocked) return { source: "hotspot", notice: "gpsDenied" };
  return { source: "gps", notice: "gpsWaiting" };
}
