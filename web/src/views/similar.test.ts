import { describe, expect, it } from "vitest";

import { setLang } from "../i18n";
import { answerAge } from "./similar";

const NOW = Date.parse("2026-07-20T12:00:00Z");

describe("answerAge", () => {
  it("says how old an answer is, in the reader's language", () => {
    setLang("ko", null);
    expect(answerAge("2026-07-17T12:00:00Z", NOW)).toBe("3일 전");
    expect(answerAge("2026-07-20T10:00:00Z", NOW)).toBe("2시간 전");
    expect(answerAge("2026-07-20T11:59:30Z", NOW)).toBe("방금");
    setLang("en", null);
    expect(answerAge("2025-07-20T12:00:00Z", NOW)).toBe("last year");
    expect(answerAge("2026-07-20T11:55:00Z", NOW)).toBe("5 minutes ago");
    setLang("ko", null);
  });
});
