import { afterEach, describe, expect, it } from "vitest";
import { humanError, pickLanguage } from "./errors";
import { setLang } from "./i18n";

describe("human error messages", () => {
  afterEach(() => setLang("ko", null));

  it("never shows a validator's text", () => {
    const raw = {
      code: "invalid",
      message: "입력값이 올바르지 않습니다 (Invalid input): title: String should have at most 100 characters",
    };
    expect(humanError(raw)).toBe("너무 길어요. 100자까지 쓸 수 있어요.");
    expect(humanError({ code: "invalid", message: "입력값이 올바르지 않습니다 (Invalid input): lat: Field required" })).toBe(
      "입력한 내용을 확인해 주세요.",
    );
    setLang("en", null);
    expect(humanError(raw)).toBe("Too long: at most 100 characters.");
  });

  it("shows the server's sentence for people in the reader's language", () => {
    const refusal = { code: "forbidden", message: "내 질문에는 답변할 수 없어요 (You cannot answer your own question)" };
    expect(humanError(refusal)).toBe("내 질문에는 답변할 수 없어요");
    setLang("en", null);
    expect(humanError(refusal)).toBe("You cannot answer your own question");
  });

  it("shows the server's sentence rendered in the reader's own language", () => {
    setLang("ja", null);
    expect(humanError({ code: "forbidden", message: "質問した本人だけが変更できます" })).toBe("質問した本人だけが変更できます");
    expect(humanError({ code: "forbidden", message: "내 질문만 고칠 수 있어요 (Only the asker can change this question)" })).toBe(
      "Only the asker can change this question",
    );
    expect(humanError({ code: "rate_limited", message: "Too Many Requests" })).toBe("送信が多すぎます。しばらくしてからもう一度お試しください。");
    setLang("zh-TW", null);
    expect(humanError({ code: "conflict", message: "這個問題已經解決了" })).toBe("這個問題已經解決了");
    setLang("en", null);
    expect(humanError({ code: "conflict", message: "The question is already solved" })).toBe("The question is already solved");
    expect(humanError({ code: "not_found", message: "Not Found" })).toBe("Not found. It may have been deleted.");
    expect(humanError(new Error("Failed to fetch"))).toBe("Something went wrong. Please try again shortly.");
  });

  it("words time-outs, lost links and bare codes itself", () => {
    expect(humanError({ code: "timeout", message: "no answer from the server" })).toBe("서버가 답하지 않아요. 잠시 뒤 다시 해 주세요.");
    expect(humanError({ code: "offline", message: "not connected" })).toBe("연결이 끊겨 있어요. 다시 연결된 뒤 보내 주세요.");
    expect(humanError({ code: "rate_limited", message: "Too Many Requests" })).toBe("너무 자주 보냈어요. 잠시 뒤 다시 해 주세요.");
    expect(humanError({ code: "internal", message: "서버 오류가 발생했습니다 (Internal error)" })).toBe(
      "서버에 문제가 생겼어요. 잠시 뒤 다시 해 주세요.",
    );
    expect(humanError(new Error("Failed to fetch"))).toBe("문제가 생겼어요. 잠시 뒤 다시 해 주세요.");
  });

  it("splits only Korean-with-English sentences", () => {
    expect(pickLanguage("제주 (Jeju)", "en")).toBe("Jeju");
    expect(pickLanguage("just text (aside)", "en")).toBe("just text (aside)");
  });
});

describe("missing questions", () => {
  it("tells a deleted question from an unknown one", async () => {
    const { questionMissing } = await import("./views/missing");
    expect(questionMissing(404, "not_found")).toBe("gone");
    expect(questionMissing(410, "deleted")).toBe("deleted");
    expect(questionMissing(500, "internal")).toBeNull();
  });
});
