import { afterEach, describe, expect, it } from "vitest";
import {
  MAX_ALERTS,
  alertText,
  barChart,
  formatRate,
  formatSeconds,
  formatShare,
  goalLevel,
  mergeArea,
  pushAlert,
  regionRows,
  seedAreas,
  summaryRows,
  type DashboardAlert,
} from "./format";
import type { LiveHotspot } from "../state/busy";
import { dictionaries, setLang } from "./i18n";
import type { Figures, HotspotUpdate, RegionFigures, Stats } from "./types";

const EMPTY: Figures = {
  questions: 0,
  answered: 0,
  within1m: null,
  within5m: null,
  within10m: null,
  averageSeconds: null,
  p50Seconds: null,
  p90Seconds: null,
};

function region(code: string, nameKo: string, figures: Partial<Figures> = {}): RegionFigures {
  return { ...EMPTY, ...figures, code, nameKo, nameEn: code[0]!.toUpperCase() + code.slice(1) };
}

function stats(regions: RegionFigures[]): Stats {
  return {
    window: "1h",
    generatedAt: "2026-11-27T03:00:00Z",
    overall: { ...EMPTY, questions: 3, answered: 2, within10m: 2 / 3, averageSeconds: 240 },
    urgent: EMPTY,
    regions,
  };
}

const AEWOL = region("aewol", "애월");
const SEONGSAN = region("seongsan", "성산", { questions: 4, answered: 4, within10m: 1, p50Seconds: 61 });
const HALLIM = region("hallim", "한림", { questions: 2, answered: 1, within10m: 0.5 });
const JEJU = region("jeju", "제주시", { questions: 5, answered: 5, within10m: 0.5 });

afterEach(() => setLang("ko", null));

describe("admin texts", () => {
  it("has every key in both languages with the same placeholders", () => {
    expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries.ko).sort());
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(dictionaries.ko) as (keyof typeof dictionaries.ko)[]) {
      expect(names(dictionaries.en[key]), key).toEqual(names(dictionaries.ko[key]));
      expect(dictionaries.en[key].trim(), key).not.toBe("");
    }
  });
});

describe("formatting", () => {
  it("shows shares as whole percent and a dash when nothing counts yet", () => {
    expect(formatShare(2 / 3)).toBe("67%");
    expect(formatShare(1)).toBe("100%");
    expect(formatShare(0)).toBe("0%");
    expect(formatShare(null)).toBe("–");
  });

  it("shows durations in seconds, minutes or hours, Korean first", () => {
    expect(formatSeconds(42.4)).toBe("42초");
    expect(formatSeconds(240)).toBe("4분 0초");
    expect(formatSeconds(599.6)).toBe("10분 0초");
    expect(formatSeconds(3 * 3600 + 125)).toBe("3시간 2분");
    expect(formatSeconds(null)).toBe("–");
    setLang("en", null);
    expect(formatSeconds(61)).toBe("1 min 1 s");
  });

  it("rates: one decimal below 10, whole numbers above", () => {
    expect(formatRate(0)).toBe("0.0");
    expect(formatRate(2.46)).toBe("2.5");
    expect(formatRate(123.4)).toBe("123");
  });

  it("grades the 10-minute share", () => {
    expect([goalLevel(0.95), goalLevel(0.9), goalLevel(0.75), goalLevel(0.2), goalLevel(null)]).toEqual([
      "good",
      "good",
      "warn",
      "bad",
      "none",
    ]);
  });
});

describe("tables", () => {
  it("lists every region: the worst busy ones first, quiet ones in server order", () => {
    const rows = regionRows(stats([AEWOL, SEONGSAN, HALLIM, JEJU]), "ko");
    expect(rows.map((r) => r.key)).toEqual(["jeju", "hallim", "seongsan", "aewol"]);
    const seongsan = rows[2]!;
    expect(seongsan.label).toBe("성산");
    expect(seongsan.level).toBe("good");
    expect(seongsan.cells).toEqual(["4", "4", "–", "–", "100%", "–", "1분 1초", "–"]);
    expect(rows[3]!.level).toBe("none");
    expect(regionRows(stats([SEONGSAN]), "en")[0]!.label).toBe("Seongsan");
  });

  it("has an overall and an urgent row", () => {
    const [overall, urgent] = summaryRows(stats([]));
    expect(overall!.label).toBe("전체");
    expect(overall!.cells.slice(0, 2)).toEqual(["3", "2"]);
    expect(overall!.cells[4]).toBe("67%");
    expect(overall!.level).toBe("bad");
    expect(urgent!.label).toBe("긴급 질문");
    expect(urgent!.cells[0]).toBe("0");
  });

  it("adds a row counting earlier answers as answers when the server sends it", () => {
    const withArchive = { ...EMPTY, questions: 3, answered: 3, within10m: 1 };
    const rows = summaryRows({ ...stats([]), deflections: 2, archiveAnswers: 1, withArchive });
    expect(rows.map((row) => row.key)).toEqual(["overall", "urgent", "withArchive"]);
    expect(rows[2]!.label).toBe("이전 답변 포함 (해결 1건 · 질문 없이 해결 2건)");
    expect(rows[2]!.cells[4]).toBe("100%");
    expect(summaryRows(stats([]))).toHaveLength(2);
  });
});

describe("bar chart", () => {
  it("draws one bar per region, as tall as its share, a stub without data", () => {
    const chart = barChart([SEONGSAN, HALLIM, AEWOL], "ko", {
      width: 300,
      plotHeight: 100,
      labelHeight: 40,
    });
    expect(chart.height).toBe(140);
    const [seongsan, hallim, aewol] = chart.bars;
    expect(seongsan).toMatchObject({ code: "seongsan", height: 100, y: 0, value: "100%", level: "good" });
    expect(hallim).toMatchObject({ height: 50, y: 50, value: "50%", questions: 2 });
    expect(aewol).toMatchObject({ height: 2, y: 98, value: "–", level: "none", label: "애월" });
    // Evenly spaced and inside the picture.
    expect(hallim!.x - seongsan!.x).toBeCloseTo(100);
    for (const bar of chart.bars) expect(bar.x + bar.width).toBeLessThanOrEqual(300);
  });
});

describe("alerts", () => {
  const slow = (questionId: string, at: number): DashboardAlert => ({
    kind: "slow",
    at,
    alert: { questionId, waitedMinutes: 10, regionCode: "seongsan", urgency: "urgent" },
  });

  it("keeps the newest first, moves a repeat to the top, and caps the list", () => {
    let list = pushAlert([], slow("q1", 1));
    list = pushAlert(list, slow("q2", 2));
    list = pushAlert(list, slow("q1", 3));
    expect(list.map((a) => (a.kind === "slow" ? a.alert.questionId : ""))).toEqual(["q1", "q2"]);
    for (let i = 0; i < MAX_ALERTS + 5; i += 1) list = pushAlert(list, slow(`x${i}`, i));
    expect(list).toHaveLength(MAX_ALERTS);
  });

  it("says where, with the region's name", () => {
    expect(alertText(slow("q1", 1), [SEONGSAN], "ko")).toBe("성산의 질문이 10분째 답변이 없어요");
    expect(alertText(slow("q1", 1), [], "ko")).toContain("seongsan");
    setLang("en", null);
    const needed: DashboardAlert = {
      kind: "localsNeeded",
      at: 1,
      alert: { kind: "hotspot", code: "seongsan-ilchulbong", name: "성산일출봉", questionsLast15m: 7, onlineLocals: 0 },
    };
    expect(alertText(needed, [], "en")).toBe(
      "성산일출봉: 7 questions in 15 min, 0 locals online — locals needed",
    );
    const named: DashboardAlert = { ...needed, alert: { ...needed.alert, nameEn: "Seongsan Ilchulbong" } } as DashboardAlert;
    expect(alertText(named, [], "en")).toMatch(/^Seongsan Ilchulbong: /);
  });
});

describe("hot areas", () => {
  const area = (code: string, questions: number, hot: boolean): HotspotUpdate => ({
    kind: "hotspot",
    code,
    name: code,
    questionsLast15m: questions,
    onlineLocals: 1,
    onlineTravelers: 3,
    hot,
  });

  it("keeps the latest word per area, hot ones first, then the busiest", () => {
    let rows = mergeArea([], area("a", 5, false));
    rows = mergeArea(rows, area("b", 2, true));
    rows = mergeArea(rows, area("c", 9, false));
    rows = mergeArea(rows, area("a", 1, false));
    expect(rows.map((r) => [r.code, r.questionsLast15m])).toEqual([
      ["b", 2],
      ["c", 9],
      ["a", 1],
    ]);
    // The same code as a region is another row.
    rows = mergeArea(rows, { ...area("a", 4, false), kind: "region" });
    expect(rows).toHaveLength(4);
  });

  const spot = (code: string, questions: number, hot: boolean): LiveHotspot => ({
    code,
    name: `${code}-ko`,
    nameEn: `${code}-en`,
    category: "nature",
    lat: 33.46,
    lng: 126.94,
    regionCode: "seongsan",
    onlineLocals: 2,
    onlineTravelers: 7,
    questionsLast15m: questions,
    questionsLast60m: questions + 1,
    hot,
  });

  it("fills the table from a read of every hotspot, keeping only the hot ones", () => {
    const rows = seedAreas([], [spot("a", 1, false), spot("b", 6, true), spot("c", 9, true)], []);
    expect(rows).toEqual([
      { kind: "hotspot", code: "c", name: "c-ko", nameEn: "c-en", questionsLast15m: 9, onlineLocals: 2, onlineTravelers: 7, hot: true },
      { kind: "hotspot", code: "b", name: "b-ko", nameEn: "b-en", questionsLast15m: 6, onlineLocals: 2, onlineTravelers: 7, hot: true },
    ]);
    // Live updates carry on from there.
    expect(mergeArea(rows, area("c", 2, false)).map((r) => [r.code, r.hot])).toEqual([
      ["b", true],
      ["c", false],
    ]);
  });

  it("lets a reread replace stale hotspot rows but not what was heard during it", () => {
    const before = [
      area("cooled", 8, true), // cooled while the link was down
      area("heard", 3, true), // an update arrived while the read was under way
      { ...area("seongsan", 12, true), kind: "region" as const },
    ];
    const rows = seedAreas(
      before,
      [spot("cooled", 0, false), spot("heard", 7, true), spot("new", 5, true)],
      [{ kind: "hotspot", code: "heard" }],
    );
    expect(rows.map((r) => [r.kind, r.code, r.questionsLast15m])).toEqual([
      ["region", "seongsan", 12],
      ["hotspot", "new", 5],
      ["hotspot", "heard", 3],
    ]);
  });
});
