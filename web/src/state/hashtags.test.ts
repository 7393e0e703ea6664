import { describe, expect, it } from "vitest";
import { addTag, MAX_HASHTAGS, normalizeTag, splitTagInput } from "./hashtags";

describe("hashtags", () => {
  it("normalizes as the server does", () => {
    expect(normalizeTag("  #성산 ")).toBe("성산");
    expect(normalizeTag("#Aewol!")).toBe("aewol");
    expect(normalizeTag("##")).toBe("");
  });

  it("keeps at most five distinct chips", () => {
    let tags: string[] = [];
    for (const raw of ["a", "#A", "b", "c", "d", "e", "f"]) tags = addTag(tags, raw).tags;
    expect(tags).toEqual(["a", "b", "c", "d", "e"]);
    expect(tags).toHaveLength(MAX_HASHTAGS);
    expect(addTag(tags, "g").reason).toBe("full");
    expect(addTag(["a"], "#a").reason).toBe("duplicate");
  });

  it("splits typed text at separators", () => {
    expect(splitTagInput("성산, 일출봉 맛")).toEqual({ complete: ["성산", "일출봉"], rest: "맛" });
  });
});
