import { describe, expect, it } from "vitest";
import { dictionaries, formatDistance, setLang, t, type Key } from "./i18n";
import { placeholders } from "./messageformat";
import { parseRoute } from "./router";
import { HOTSPOTS, nearestHotspot } from "./hotspots";

describe("i18n", () => {
  it("has every key of Korean in every language, and no empty text", () => {
    for (const [code, dict] of Object.entries(dictionaries)) {
      expect(Object.keys(dict).sort(), code).toEqual(Object.keys(dictionaries.ko).sort());
      for (const [key, text] of Object.entries(dict)) expect(text.trim(), `${code}.${key}`).not.toBe("");
    }
  });

  it("uses the same placeholders in every language", () => {
    for (const [code, dict] of Object.entries(dictionaries)) {
      for (const key of Object.keys(dictionaries.ko) as Key[]) {
        expect(placeholders(dict[key]), `${code}.${key}`).toEqual(placeholders(dictionaries.ko[key]));
      }
    }
  });

  it("is Korean by default and switches language", () => {
    expect(t("navHome")).toBe("홈");
    setLang("en", null);
    expect(t("answersCount", { count: 2 })).toBe("2 answers");
    expect(t("answersCount", { count: 1 })).toBe("1 answer");
    setLang("ja", null);
    expect(t("navHome")).toBe("ホーム");
    setLang("ko", null);
    expect(t("typing", { names: "성산 주민" })).toBe("성산 주민님이 입력 중…");
  });

  it("formats distances", () => {
    expect(formatDistance(340)).toBe("340m");
    expect(formatDistance(5000)).toBe("5km");
    expect(formatDistance(1250)).toBe("1.3km");
    expect(formatDistance(23_400)).toBe("23km");
    expect(formatDistance(null)).toBe("");
  });
});

describe("routes and places", () => {
  it("parses the client's routes", () => {
    expect(parseRoute("/")).toEqual({ name: "home" });
    expect(parseRoute("/q/01JABC")).toEqual({ name: "room", questionId: "01JABC" });
    expect(parseRoute("/settings/")).toEqual({ name: "settings" });
    expect(parseRoute("/u/01JUSER")).toEqual({ name: "person", userId: "01JUSER" });
    expect(parseRoute("/api/me").name).toBe("notFound");
  });

  it("bundles the Jeju hotspots and finds the nearest", () => {
    expect(HOTSPOTS.length).toBeGreaterThan(30);
    expect(nearestHotspot({ lat: 33.4585, lng: 126.9410 })?.id).toBe("seongsan_ilchulbong");
    expect(nearestHotspot({ lat: 37.5665, lng: 126.978 })).toBeNull();
  });
});
