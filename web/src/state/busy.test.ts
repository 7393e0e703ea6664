import { describe, expect, it } from "vitest";
import { setLang, t } from "../i18n";
import { BUSY_WITHIN_M, busyNearby, type LiveHotspot, watchesBusy } from "./busy";

function spot(code: string, lat: number, lng: number, hot = true): LiveHotspot {
  return {
    code,
    name: code,
    nameEn: code,
    category: "nature",
    lat,
    lng,
    regionCode: "seongsan",
    onlineLocals: 0,
    onlineTravelers: 0,
    questionsLast15m: hot ? 6 : 0,
    questionsLast60m: hot ? 6 : 0,
    hot,
  };
}

const PEAK = spot("seongsan_ilchulbong", 33.45808, 126.9415);
const SEOPJIKOJI = spot("seopjikoji", 33.430578, 126.927769);
const UDO_QUIET = spot("udo", 33.50528, 126.95583, false);
const AIRPORT = spot("jeju_airport", 33.512222, 126.492778);
// Seongsan harbour: about 1 km from the peak, 3 km from Seopjikoji, 42 km from the airport.
const HARBOUR = { lat: 33.4735, lng: 126.9336 };

describe("busy places near a local", () => {
  it("keeps hot spots within reach, nearest first", () => {
    const found = busyNearby([SEOPJIKOJI, AIRPORT, UDO_QUIET, PEAK], HARBOUR);
    expect(found.map((s) => s.code)).toEqual(["seongsan_ilchulbong", "seopjikoji"]);
  });

  it("says nothing without a position, or when nothing near is hot", () => {
    expect(busyNearby([PEAK], null)).toEqual([]);
    expect(busyNearby([UDO_QUIET, AIRPORT], HARBOUR)).toEqual([]);
  });

  it("stops at the reach and at the limit", () => {
    expect(busyNearby([PEAK], HARBOUR, 500)).toEqual([]);
    expect(busyNearby([SEOPJIKOJI, PEAK], HARBOUR, BUSY_WITHIN_M, 1)).toEqual([PEAK]);
  });

  it("is for verified locals only", () => {
    expect(watchesBusy({ isLocalVerified: true })).toBe(true);
    expect(watchesBusy({ isLocalVerified: false })).toBe(false);
    expect(watchesBusy(null)).toBe(false);
  });

  it("reads in Korean first, English on request", () => {
    expect(t("busyNear", { place: "성산일출봉" })).toBe("지금 성산일출봉 근처에 질문이 많아요");
    setLang("en", null);
    expect(t("busyNear", { place: "Seongsan Ilchulbong" })).toBe(
      "Busy near Seongsan Ilchulbong now",
    );
    setLang("ko", null);
  });
});
