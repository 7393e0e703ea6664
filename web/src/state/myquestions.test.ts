import { describe, expect, it } from "vitest";
import { MemoryStore } from "./ledger";
import { MyQuestions } from "./myquestions";

describe("MyQuestions", () => {
  it("counts unseen answers per question, not while its room is open", () => {
    const store = new MemoryStore();
    const mine = new MyQuestions(store, "k");
    mine.remember("q1");
    mine.answerArrived("q1", false);
    mine.answerArrived("q1", false);
    mine.answerArrived("q2", true);
    expect(mine.unread("q1")).toBe(2);
    expect(mine.unread("q2")).toBe(0);
    expect(mine.ids).toEqual(["q2", "q1"]);
    mine.seen("q1");
    expect(mine.totalUnread).toBe(0);
    mine.answerArrived("q1", false);
    expect(new MyQuestions(store, "k").unread("q1")).toBe(1);
  });

  it("forgets a question its asker deleted, unread answers included", () => {
    const store = new MemoryStore();
    const mine = new MyQuestions(store, "k");
    mine.remember("q1");
    mine.answerArrived("q2", false);
    let told = 0;
    mine.subscribe(() => (told += 1));
    mine.forget("q2");
    expect(mine.ids).toEqual(["q1"]);
    expect(mine.totalUnread).toBe(0);
    expect(new MyQuestions(store, "k").ids).toEqual(["q1"]);
    expect(told).toBe(1);
    mine.forget("unknown");
    expect(told).toBe(1);
  });
});
