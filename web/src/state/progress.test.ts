import { afterEach, describe, expect, it } from "vitest";
import { setLang, t } from "../i18n";
import { canClaim, normalizeLanguages, onDutyUntil } from "./duty";
import { parseProgress, progressLines } from "./progress";

const render = (raw: unknown): string[] =>
  progressLines(parseProgress(raw, "q1")).map((line) => t(line.key, line.params));

describe("question progress", () => {
  afterEach(() => setLang("ko", null));

  it("reads the asker's figures in Korean and English", () => {
    const raw = { questionId: "q1", asked: 5, seen: 2, answering: 0, claimedBy: null, next: { what: "holding" } };
    expect(render(raw)).toEqual(["현지인 5명에게 물었어요 · 2명이 봤어요"]);
    setLang("en", null);
    expect(render(raw)).toEqual(["Asked 5 locals · 2 have seen it"]);
    expect(render({ ...raw, asked: 1, seen: 1, answering: 1 })).toEqual(["Asked 1 local · 1 has seen it", "1 local is writing an answer"]);
    expect(render({ ...raw, asked: 1, seen: 1, answering: 1, claimedBy: { nickname: "SeongsanLocal" } })).toEqual([
      "Asked 1 local · 1 has seen it",
      "SeongsanLocal said they will answer",
    ]);
    setLang("ja", null);
    expect(render(raw)).toEqual(["地元の人5人に質問しました · 2人が確認済み"]);
  });

  it("says someone is answering, and that the radius widens", () => {
    const raw = { asked: 3, seen: 0, answering: 1, claimedBy: null, next: { what: "widening", at: "2026-12-03T08:00:00Z" } };
    expect(render(raw)).toEqual([
      "현지인 3명에게 물었어요",
      "현지인 1명이 답변을 쓰고 있어요",
      "반경을 넓혀 더 많은 현지인에게 묻는 중…",
    ]);
    expect(parseProgress(raw, "q1")?.next).toEqual({ what: "widening", at: "2026-12-03T08:00:00Z" });
  });

  it("names the claimer the server counts as answering (its claim: answering 1 and claimedBy)", () => {
    const raw = { asked: 2, seen: 1, answering: 1, claimedBy: { nickname: "성산댁" }, next: { what: "holding", at: "2026-12-03T08:02:00Z" } };
    expect(render(raw)).toEqual(["현지인 2명에게 물었어요 · 1명이 봤어요", "성산댁님이 답변하겠다고 했어요"]);
  });

  it("drops the claim once the question is answered, keeping who was asked", () => {
    const raw = { asked: 2, seen: 1, answering: 1, claimedBy: { nickname: "성산댁" }, next: { what: "answered" } };
    expect(render(raw)).toEqual(["현지인 2명에게 물었어요 · 1명이 봤어요"]);
  });

  it("names the claimer when nobody is typing yet", () => {
    expect(render({ asked: 1, seen: 1, answering: 0, claimedBy: { nickname: "한림" }, next: null })).toEqual([
      "현지인 1명에게 물었어요 · 1명이 봤어요",
      "한림님이 답변하겠다고 했어요",
    ]);
  });

  it("tolerates an older server: no progress, or a malformed one, shows nothing", () => {
    expect(parseProgress(undefined)).toBeNull();
    expect(parseProgress(null, "q1")).toBeNull();
    expect(parseProgress({ seen: 2 }, "q1")).toBeNull();
    expect(render({ asked: 0, seen: 0, answering: 0, claimedBy: null, next: { what: "bogus" } })).toEqual([]);
    expect(parseProgress({ asked: -3, seen: "x" }, "q1")).toMatchObject({ asked: 0, seen: 0, next: null });
  });
});

describe("on duty, claims and languages", () => {
  const now = Date.parse("2026-12-03T08:00:00Z");

  it("treats a lapsed on-duty mark as off", () => {
    expect(onDutyUntil("2026-12-03T08:30:00Z", now)).toBe("2026-12-03T08:30:00Z");
    expect(onDutyUntil("2026-12-03T07:59:59Z", now)).toBeNull();
    expect(onDutyUntil(null, now)).toBeNull();
    expect(onDutyUntil(undefined, now)).toBeNull();
  });

  it("offers the claim to verified locals on open questions only", () => {
    const base = { role: "local" as const, verified: true, isAsker: false, questionOpen: true, answeredByMe: false, claimedUntil: null, now };
    expect(canClaim(base)).toBe(true);
    expect(canClaim({ ...base, isAsker: true })).toBe(false);
    expect(canClaim({ ...base, role: "traveler" })).toBe(false);
    expect(canClaim({ ...base, verified: false })).toBe(false);
    expect(canClaim({ ...base, questionOpen: false })).toBe(false);
    expect(canClaim({ ...base, answeredByMe: true })).toBe(false);
    expect(canClaim({ ...base, claimedUntil: "2026-12-03T08:02:00Z" })).toBe(false);
    expect(canClaim({ ...base, claimedUntil: "2026-12-03T07:58:00Z" })).toBe(true);
  });

  it("keeps answer languages to the known four, Korean by default", () => {
    expect(normalizeLanguages(undefined)).toEqual(["ko"]);
    expect(normalizeLanguages([])).toEqual(["ko"]);
    expect(normalizeLanguages(["ja", "xx", "en"])).toEqual(["en", "ja"]);
  });

  it("has the claim and on-duty texts in both languages", () => {
    expect(t("claimButton")).toBe("답변할게요");
    expect(t("onDutyLabel")).toBe("지금 답변할 수 있어요");
    setLang("en", null);
    expect(t("claimButton")).toBe("I'm answering");
    setLang("ko", null);
  });
});
