// Pure dashboard logic: number formatting, table rows, the bar chart's geometry, and the
// alert and hot-area lists. No DOM here, so Vitest covers it (format.test.ts).

import type { LiveHotspot } from "../state/busy";
import { t, type Lang } from "./i18n";
import type {
  Figures,
  HotspotUpdate,
  LocalsNeeded,
  RegionFigures,
  SlowResponseAlert,
  Stats,
} from "./types";

export type GoalLevel = "good" | "warn" | "bad" | "none";

/** How close a "within 10 minutes" share is to the promise (colours of table and chart). */
export function goalLevel(share: number | null): GoalLevel {
  if (share === null) return "none";
  if (share >= 0.9) return "good";
  if (share >= 0.7) return "warn";
  return "bad";
}

export function formatShare(share: number | null): string {
  return share === null ? t("none") : `${Math.round(share * 100)}%`;
}

export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return t("none");
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return t("seconds", { s: whole });
  if (whole < 3600) return t("minutesSeconds", { m: Math.floor(whole / 60), s: whole % 60 });
  return t("hoursMinutes", { h: Math.floor(whole / 3600), m: Math.floor((whole % 3600) / 60) });
}

export function formatRate(perSecond: number): string {
  return perSecond >= 10 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}

/** The figure columns of every table row, in the order of `FIGURE_COLUMNS`. */
export const FIGURE_COLUMNS = [
  "questions",
  "answered",
  "within1m",
  "within5m",
  "within10m",
  "average",
  "p50",
  "p90",
] as const;

export function figureCells(f: Figures): string[] {
  return [
    String(f.questions),
    String(f.answered),
    formatShare(f.within1m),
    formatShare(f.within5m),
    formatShare(f.within10m),
    formatSeconds(f.averageSeconds),
    formatSeconds(f.p50Seconds),
    formatSeconds(f.p90Seconds),
  ];
}

export interface TableRow {
  key: string;
  label: string;
  cells: string[];
  level: GoalLevel;
}

export function regionName(region: Pick<RegionFigures, "nameKo" | "nameEn">, language: Lang): string {
  return language === "en" ? region.nameEn : region.nameKo;
}

/**
 * Every region, those with questions first and the worst 10-minute share first among them
 * (what needs attention on top); regions without questions keep the server's order.
 */
export function regionRows(stats: Stats, language: Lang): TableRow[] {
  const busy = stats.regions.filter((r) => r.questions > 0);
  const quiet = stats.regions.filter((r) => r.questions === 0);
  busy.sort(
    (a, b) =>
      (a.within10m ?? Number.POSITIVE_INFINITY) - (b.within10m ?? Number.POSITIVE_INFINITY) ||
      b.questions - a.questions,
  );
  return [...busy, ...quiet].map((r) => ({
    key: r.code,
    label: regionName(r, language),
    cells: figureCells(r),
    level: goalLevel(r.within10m),
  }));
}

export function summaryRows(stats: Stats): TableRow[] {
  const rows: TableRow[] = [
    { key: "overall", label: t("overall"), cells: figureCells(stats.overall), level: goalLevel(stats.overall.within10m) },
    { key: "urgent", label: t("urgent"), cells: figureCells(stats.urgent), level: goalLevel(stats.urgent.within10m) },
  ];
  if (stats.withArchive) {
    // Locals' answers alone stay "overall"; this row also counts questions an earlier answer solved.
    const label = t("withArchive", { archive: stats.archiveAnswers ?? 0, deflections: stats.deflections ?? 0 });
    rows.push({ key: "withArchive", label, cells: figureCells(stats.withArchive), level: goalLevel(stats.withArchive.within10m) });
  }
  return rows;
}

export interface Bar {
  code: string;
  label: string;
  /** The share as shown ("83%", or "–" without questions). */
  value: string;
  questions: number;
  level: GoalLevel;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Chart {
  width: number;
  height: number;
  /** Height of the bar area; labels go below it. */
  plotHeight: number;
  bars: Bar[];
}

/** One bar per region (server order) whose height is its 10-minute share. */
export function barChart(
  regions: RegionFigures[],
  language: Lang,
  size: { width: number; plotHeight: number; labelHeight: number } = {
    width: 720,
    plotHeight: 160,
    labelHeight: 56,
  },
): Chart {
  const slot = regions.length ? size.width / regions.length : size.width;
  const barWidth = Math.max(4, slot * 0.6);
  // A region without questions gets a thin stub, so it is visibly "no data", not 0%.
  const stub = 2;
  return {
    width: size.width,
    height: size.plotHeight + size.labelHeight,
    plotHeight: size.plotHeight,
    bars: regions.map((r, i) => {
      const height = r.within10m === null ? stub : Math.max(stub, r.within10m * size.plotHeight);
      return {
        code: r.code,
        label: regionName(r, language),
        value: formatShare(r.within10m),
        questions: r.questions,
        level: goalLevel(r.within10m),
        x: i * slot + (slot - barWidth) / 2,
        y: size.plotHeight - height,
        width: barWidth,
        height,
      };
    }),
  };
}

export type DashboardAlert =
  | { kind: "slow"; at: number; alert: SlowResponseAlert }
  | { kind: "localsNeeded"; at: number; alert: LocalsNeeded };

export const MAX_ALERTS = 50;

function alertKey(entry: DashboardAlert): string {
  return entry.kind === "slow"
    ? `slow:${entry.alert.questionId}`
    : `locals:${entry.alert.kind}:${entry.alert.code}`;
}

/**
 * Newest first, at most `MAX_ALERTS`. A repeat of the same alert (the same question, or
 * the same area still short of locals) moves to the top instead of piling up.
 */
export function pushAlert(list: DashboardAlert[], entry: DashboardAlert): DashboardAlert[] {
  const key = alertKey(entry);
  return [entry, ...list.filter((other) => alertKey(other) !== key)].slice(0, MAX_ALERTS);
}

export function alertText(entry: DashboardAlert, regions: RegionFigures[], language: Lang): string {
  if (entry.kind === "slow") {
    const region = regions.find((r) => r.code === entry.alert.regionCode);
    return t("alertSlow", {
      region: region ? regionName(region, language) : entry.alert.regionCode,
      minutes: entry.alert.waitedMinutes,
    });
  }
  return t("alertLocalsNeeded", {
    name: areaName(entry.alert, language),
    questions: entry.alert.questionsLast15m,
    locals: entry.alert.onlineLocals,
  });
}

/** An area's name in the page's language, when the server sent it in English too. */
export function areaName(area: { name: string; nameEn?: string }, language: Lang): string {
  return language === "en" && area.nameEn ? area.nameEn : area.name;
}

export const MAX_HOT_AREAS = 20;

function sameArea(a: Pick<HotspotUpdate, "kind" | "code">, b: Pick<HotspotUpdate, "kind" | "code">): boolean {
  return a.kind === b.kind && a.code === b.code;
}

/** Hot ones first, then the busiest; at most `MAX_HOT_AREAS`. */
function ranked(rows: HotspotUpdate[]): HotspotUpdate[] {
  return rows
    .sort(
      (a, b) =>
        Number(b.hot) - Number(a.hot) ||
        b.questionsLast15m - a.questionsLast15m ||
        a.name.localeCompare(b.name),
    )
    .slice(0, MAX_HOT_AREAS);
}

/** The latest word on each area: hot ones first, then the busiest. */
export function mergeArea(rows: HotspotUpdate[], update: HotspotUpdate): HotspotUpdate[] {
  return ranked([update, ...rows.filter((r) => !sameArea(r, update))]);
}

/**
 * The table after a fresh read of `GET /api/hotspots`, which lists every hotspot: its hot
 * ones replace the hotspot rows, since earlier rows may be stale after a reconnect. An area
 * in `heard` had a `hotspot_update` while the read was under way; that word is newer than
 * the read's, so its row stays. Region rows stay too: the read says nothing of regions.
 */
export function seedAreas(
  rows: HotspotUpdate[],
  spots: readonly LiveHotspot[],
  heard: readonly Pick<HotspotUpdate, "kind" | "code">[],
): HotspotUpdate[] {
  const wasHeard = (area: Pick<HotspotUpdate, "kind" | "code">) => heard.some((h) => sameArea(h, area));
  const kept = rows.filter((r) => r.kind !== "hotspot" || wasHeard(r));
  const read = spots
    .map(
      (spot): HotspotUpdate => ({
        kind: "hotspot",
        code: spot.code,
        name: spot.name,
        nameEn: spot.nameEn,
        questionsLast15m: spot.questionsLast15m,
        onlineLocals: spot.onlineLocals,
        onlineTravelers: spot.onlineTravelers,
        hot: spot.hot,
      }),
    )
    .filter((row) => row.hot && !wasHeard(row));
  return ranked([...kept, ...read]);
}
