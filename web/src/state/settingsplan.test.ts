import { describe, expect, it } from "vitest";
import type { NotificationSettings } from "../types";
import { pushBoxChecked, settingsSections, withDefaults } from "./settingsplan";

describe("settings that fit the person", () => {
  it("shows a traveler only what concerns them", () => {
    expect(settingsSections({ role: "traveler", isLocalVerified: false })).toEqual(["channels", "quiet"]);
  });

  it("gives locals interests, followed regions, languages, quiet hours and radius", () => {
    const sections = settingsSections({ role: "local", isLocalVerified: false });
    for (const s of ["interests", "followedRegions", "languages", "quiet", "radius"] as const) {
      expect(sections).toContain(s);
    }
    expect(sections).not.toContain("onDuty");
    expect(settingsSections({ role: "local", isLocalVerified: true })[0]).toBe("onDuty");
  });

  it("ticks the push box only with a real subscription", () => {
    const channels = { socket: true, push: true, email: false, sms: false };
    expect(pushBoxChecked(channels, false)).toBe(false);
    expect(pushBoxChecked(channels, true)).toBe(true);
    expect(pushBoxChecked({ ...channels, push: false }, true)).toBe(false);
  });

  it("defaults the answer languages to Korean on an older server", () => {
    const s = { channels: { socket: true, push: false, email: false, sms: false } } as NotificationSettings;
    expect(withDefaults(s).languages).toEqual(["ko"]);
    expect(withDefaults({ ...s, languages: ["en", "ko"] }).languages).toEqual(["ko", "en"]);
  });
});
