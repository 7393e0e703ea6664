import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "./i18n";
import { trustLine } from "./trust";

afterEach(() => setLang("ko", null));

const record = { answers: 41, questionsAnswered: 39, acceptedAnswers: 32, acceptanceRate: 0.82, medianAnswerSeconds: 170 };

describe("trust line", () => {
  it("says how a local usually answers, in every language", () => {
    expect(trustLine(record)).toBe("보통 3분 안에 답해요 · 채택 82% · 답변 41개");
    setLang("en", null);
    expect(trustLine(record)).toBe("Usually answers within 3 minutes · 82% accepted · 41 answers");
    expect(trustLine({ ...record, answers: 1, medianAnswerSeconds: 30 })).toBe(
      "Usually answers within 1 minute · 82% accepted · 1 answer",
    );
    expect(trustLine({ ...record, medianAnswerSeconds: 2 * 3600 })).toContain("within 2 hours");
    setLang("zh-TW", null);
    expect(trustLine(record)).toBe("通常 3 分鐘內回覆 · 採納率 82% · 回覆 41 則");
    setLang("ja", null);
    expect(trustLine(record)).toBe("たいてい3分以内に回答 · ベストアンサー率 82% · 回答 41件");
  });

  it("says so when there is nothing to go on yet", () => {
    const none = { answers: 0, questionsAnswered: 0, acceptedAnswers: 0, acceptanceRate: null, medianAnswerSeconds: null };
    expect(trustLine(none)).toBe("아직 답변이 없어요");
  });
});
