import { describe, expect, it } from "vitest";
import { pickSource } from "./source";

describe("the ask form's position source", () => {
  const base = { hasFix: false, geoError: null, permission: "unknown" as const, chosen: null };

  it("uses GPS when opened directly with permission granted, before the first fix", () => {
    expect(pickSource({ ...base, permission: "granted" })).toEqual({ source: "gps", notice: "gpsWaiting" });
    expect(pickSource({ ...base, hasFix: true })).toEqual({ source: "gps", notice: null });
  });

  it("says at once when GPS is not allowed, and offers the hotspots", () => {
    expect(pickSource({ ...base, permission: "denied" })).toEqual({ source: "hotspot", notice: "gpsDenied" });
    expect(pickSource({ ...base, geoError: "unsupported" })).toEqual({ source: "hotspot", notice: "gpsDenied" });
  });

  it("never overrides the person's own choice", () => {
    expect(pickSource({ ...base, hasFix: true, chosen: "hotspot" })).toEqual({ source: "hotspot", notice: null });
    expect(pickSource({ ...base, permission: "denied", chosen: "gps" })).toEqual({ source: "gps", notice: "gpsDenied" });
  });
});
