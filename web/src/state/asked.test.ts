import { describe, expect, it } from "vitest";
import type { NewQuestionNotification } from "../types";
import { AskedQuestions, askedStateOf } from "./asked";
import { MemoryStore } from "./ledger";

function notification(id: string, createdAt: string, urgency: "normal" | "urgent" = "normal"): NewQuestionNotification {
  return {
    eventId: 1,
    question: { id, title: `질문 ${id}`, location: { lat: 33.45, lng: 126.94 }, regionCode: "seongsan", hashtags: ["맛집"], urgency, createdAt },
    priority: "IMMEDIATE",
    distanceMeters: 420,
    sound: urgency === "urgent" ? "urgent" : "normal",
    vibration: "light",
  };
}

describe("questions a local was asked about", () => {
  it("keeps every one, newest first, unread until opened", () => {
    const store = new MemoryStore();
    const asked = new AskedQuestions(store, "k");
    asked.record(notification("q1", "2026-12-03T08:00:00Z"));
    asked.record(notification("q2", "2026-12-03T08:05:00Z"));
    asked.record(notification("q1", "2026-12-03T08:00:00Z")); // a later round asks again: one entry
    expect(asked.list().map((q) => q.id)).toEqual(["q2", "q1"]);
    expect(asked.unreadCount).toBe(2);
    expect(asked.list()[0]).toMatchObject({ distanceMeters: 420, askedAt: "2026-12-03T08:05:00Z", state: "open" });
    asked.markRead("q2");
    expect(asked.unreadCount).toBe(1);
    // a reload keeps them
    expect(new AskedQuestions(store, "k").list().map((q) => [q.id, q.read])).toEqual([
      ["q2", true],
      ["q1", false],
    ]);
  });

  it("files old history from a new device's first sync as read", () => {
    const asked = new AskedQuestions(new MemoryStore(), "k");
    asked.record(notification("q1", "2026-12-03T08:00:00Z"), true);
    expect(asked.list()).toHaveLength(1);
    expect(asked.unreadCount).toBe(0);
  });

  it("lists open and claimed ones as still worth answering", () => {
    const asked = new AskedQuestions(new MemoryStore(), "k");
    for (const id of ["a", "b", "c"]) asked.record(notification(id, "2026-12-03T08:00:00Z"));
    asked.setState("a", "answered");
    asked.setState("b", "claimed");
    expect(asked.open().map((q) => q.id).sort()).toEqual(["b", "c"]);
  });

  it("reads a question's state from its page", () => {
    expect(askedStateOf({ status: "open", answerCount: 0 })).toBe("open");
    expect(askedStateOf({ status: "open", answerCount: 0, progress: { claimedBy: { nickname: "x" } } })).toBe("claimed");
    expect(askedStateOf({ status: "open", answerCount: 1 })).toBe("answered");
    expect(askedStateOf({ status: "accepted", answerCount: 1 })).toBe("answered");
    expect(askedStateOf({ status: "closed", answerCount: 0 })).toBe("closed");
  });

  it("survives a damaged entry", () => {
    const store = new MemoryStore();
    store.setItem("k", "{not json");
    expect(new AskedQuestions(store, "k").list()).toEqual([]);
  });
});
