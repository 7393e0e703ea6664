import { afterEach, describe, expect, it } from "vitest";
import { detectLang, dictionaries, formatPercent, initLang, setLang, t, timeAgo } from "../i18n";
import { format } from "../messageformat";

const HANGUL = /[\uac00-\ud7a3]/;

afterEach(() => setLang("ko", null));

describe("language from the browser", () => {
  it("maps navigator.languages to our five languages", () => {
    expect(detectLang(["zh-TW", "en"])).toBe("zh-TW");
    expect(detectLang(["zh-HK"])).toBe("zh-TW");
    expect(detectLang(["zh-Hant-MO"])).toBe("zh-TW");
    expect(detectLang(["zh-CN"])).toBe("zh-CN");
    expect(detectLang(["zh"])).toBe("zh-CN");
    expect(detectLang(["zh-Hans-SG"])).toBe("zh-CN");
    expect(detectLang(["ja-JP"])).toBe("ja");
    expect(detectLang(["fr-FR", "en-US"])).toBe("en");
    expect(detectLang(["fr-FR"])).toBe("ko");
    expect(detectLang([])).toBe("ko");
  });

  it("prefers the saved choice over the browser", () => {
    expect(initLang({ getItem: () => "ja" }, ["zh-TW"])).toBe("ja");
    expect(initLang({ getItem: () => null }, ["zh-TW"])).toBe("zh-TW");
    expect(initLang({ getItem: () => "xx" }, ["en-GB"])).toBe("en");
  });
});

describe("messages", () => {
  it("chooses plural forms with Intl.PluralRules, never '1 answers'", () => {
    const message = "{count, plural, =0 {no answers} one {# answer} other {# answers}}";
    expect(format(message, { count: 0 }, "en")).toBe("no answers");
    expect(format(message, { count: 1 }, "en")).toBe("1 answer");
    expect(format(message, { count: 1200 }, "en")).toBe("1,200 answers");
    setLang("en", null);
    expect(t("roomParticipants", { count: 1 })).toBe("1 person");
    expect(t("trustResponse", { minutes: 3 })).toBe("Usually answers within 3 minutes");
    expect(t("busyDetail", { count: 1, distance: "300m" })).toBe("1 question in the last 15 min · 300m away");
  });

  it("writes relative times and percentages with Intl", () => {
    const now = Date.parse("2026-12-03T10:00:00Z");
    setLang("en", null);
    expect(timeAgo("2026-12-03T09:57:00Z", now)).toBe("3 min. ago");
    expect(formatPercent(0.82)).toBe("82%");
    setLang("ja", null);
    expect(timeAgo("2026-12-03T08:00:00Z", now)).toBe("2 時間前");
    setLang("ko", null);
    expect(timeAgo("2026-12-03T09:59:30Z", now)).toBe("방금");
  });

  it("has no Korean in the other languages' texts", () => {
    for (const code of ["en", "zh-CN", "zh-TW", "ja"] as const) {
      for (const [key, text] of Object.entries(dictionaries[code])) {
        expect(HANGUL.test(text), `${code}.${key}: ${text}`).toBe(false);
      }
    }
  });
});
