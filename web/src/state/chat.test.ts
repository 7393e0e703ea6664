import { describe, expect, it } from "vitest";
import type { Answer, RoomView } from "../types";
import {
  activeTypists,
  addAnswer,
  addMessage,
  applyAccepted,
  applyStatus,
  latestFromOthers,
  roomFromView,
  setTyping,
  clearTyping,
  emptyRoom,
  hideAnswer,
  setPresence,
  setUsers,
  TYPING_EXPIRE_MS,
} from "./chat";

const asker = { id: "u-asker", nickname: "여행자", isLocalVerified: false };
const local = { id: "u-local", nickname: "성산 주민", isLocalVerified: true };

const view: RoomView = {
  questionId: "01Q",
  users: [
    { ...asker, online: true, isAsker: true },
    { ...local, online: true, isAsker: false },
  ],
  messages: [
    {
      id: "01Q", kind: "question", questionId: "01Q", content: "열려 있나요?", user: asker,
      createdAt: "2026-11-27T00:00:00Z", images: [], accepted: false, status: "sent", unreadCount: 1,
    },
  ],
};

function answer(id: string, user = local): Answer {
  return { id, questionId: "01Q", content: `답 ${id}`, user, createdAt: "2026-11-27T00:01:00Z", images: [], accepted: false };
}

describe("chat room state", () => {
  it("adds an answer once, whichever path brings it", () => {
    let room = roomFromView(view);
    room = addAnswer(room, answer("01Z"), asker.id);
    const again = addAnswer(room, answer("01Z"), asker.id);
    expect(again).toBe(room);
    expect(room.messages.map((m) => m.id)).toEqual(["01Q", "01Z"]);
  });

  it("an answer an operator hid loses its text and images, and a replay does not bring them back", () => {
    let room = addAnswer(roomFromView(view), { ...answer("01Z"), images: [{ id: "i", url: "/media/i.jpg", width: 1, height: 1 }] }, asker.id);
    room = hideAnswer(room, "01Z");
    const hidden = room.messages.find((m) => m.id === "01Z");
    expect([hidden?.hidden, hidden?.content, hidden?.images]).toEqual([true, "", []]);
    expect(hideAnswer(room, "01Z")).toBe(room);
    expect(hideAnswer(room, "unknown")).toBe(room);
    expect(addAnswer(room, answer("01Z"), asker.id)).toBe(room);
  });

  it("keeps answers in id (time) order", () => {
    let room = roomFromView(view);
    room = addAnswer(room, answer("01C"), null);
    room = addAnswer(room, answer("01B"), null);
    expect(room.messages.map((m) => m.id)).toEqual(["01Q", "01B", "01C"]);
  });

  it("my own new answer waits as sent, with the others' unread count", () => {
    const room = addAnswer(roomFromView(view), answer("01Z"), local.id);
    const mine = room.messages.at(-1);
    expect(mine?.status).toBe("sent");
    expect(mine?.unreadCount).toBe(1);
  });

  it("message_status moves a message to read, never back", () => {
    let room = roomFromView(view);
    room = applyStatus(room, { questionId: "01Q", messageId: "01Q", userId: local.id, status: "delivered", unreadCount: 1 });
    expect(room.messages[0]?.status).toBe("delivered");
    room = applyStatus(room, { questionId: "01Q", messageId: "01Q", userId: local.id, status: "read", unreadCount: 0 });
    expect(room.messages[0]).toMatchObject({ status: "read", unreadCount: 0 });
    room = applyStatus(room, { questionId: "01Q", messageId: "01Q", userId: local.id, status: "delivered", unreadCount: 1 });
    expect(room.messages[0]).toMatchObject({ status: "read", unreadCount: 0 });
  });

  it("a read mark on a later message covers earlier ones", () => {
    let room = addAnswer(roomFromView(view), answer("01Z"), asker.id);
    room = applyStatus(room, { questionId: "01Q", messageId: "01Z", userId: local.id, status: "read", unreadCount: 0 });
    expect(room.messages[0]?.status).toBe("read");
  });

  it("ignores events of other rooms", () => {
    const room = roomFromView(view);
    expect(applyStatus(room, { questionId: "other", messageId: "01Q", userId: "x", status: "read", unreadCount: 0 })).toBe(room);
  });

  it("marks the accepted answer with its points", () => {
    let room = addAnswer(roomFromView(view), answer("01Z"), asker.id);
    room = applyAccepted(room, "01Z", 15);
    expect(room.acceptedAnswerId).toBe("01Z");
    expect(room.messages.at(-1)).toMatchObject({ accepted: true, pointsAwarded: 15 });
    // a rejoin after reconnect keeps the points the ack told us
    const rejoined = roomFromView(
      { ...view, messages: [...view.messages, { ...answer("01Z"), kind: "answer", accepted: true, status: "read", unreadCount: 0 }] },
      room,
    );
    expect(rejoined.messages.at(-1)).toMatchObject({ accepted: true, pointsAwarded: 15 });
  });

  it("typing expires after 5 s and stops when the answer arrives", () => {
    let room = setTyping(roomFromView(view), local.id, local.nickname, 1_000);
    expect(activeTypists(room, 1_000, asker.id)).toEqual(["성산 주민"]);
    expect(activeTypists(room, 1_000 + TYPING_EXPIRE_MS, asker.id)).toEqual([]);
    expect(activeTypists(room, 1_000, local.id)).toEqual([]);
    room = addAnswer(room, answer("01Z"), asker.id);
    expect(activeTypists(room, 1_000, asker.id)).toEqual([]);
    room = clearTyping(setTyping(room, local.id, "x", 0), local.id);
    expect(room.typing).toEqual({});
  });

  it("names the newest message from someone else for read receipts", () => {
    let room = roomFromView(view);
    expect(latestFromOthers(room, local.id)?.id).toBe("01Q");
    room = addAnswer(room, answer("01Z"), local.id);
    expect(latestFromOthers(room, local.id)?.id).toBe("01Q");
    expect(latestFromOthers(room, asker.id)?.id).toBe("01Z");
  });
});

describe("presence in the header", () => {
  const askerUser = { id: "a", nickname: "여행자", isLocalVerified: false, online: true, isAsker: true };
  const localUser = { id: "l", nickname: "주민", isLocalVerified: true, online: false, isAsker: false };

  it("counts a newcomer as soon as the room hears of the join", () => {
    const room = setUsers(emptyRoom("q1"), "q1", [askerUser]);
    const joined = setUsers(room, "q1", [askerUser, { ...localUser, online: true }]);
    expect(joined.users.filter((u) => u.online)).toHaveLength(2);
    expect(setUsers(room, "other", [])).toBe(room);
  });

  it("takes typing as being there", () => {
    const room = setUsers(emptyRoom("q1"), "q1", [askerUser, localUser]);
    const typing = setTyping(room, "l", "주민", 0);
    expect(typing.users.find((u) => u.id === "l")?.online).toBe(true);
    expect(setPresence(typing, "l", false).users.find((u) => u.id === "l")?.online).toBe(false);
  });
});

describe("follow-ups", () => {
  it("places the asker's follow-up among the answers by time, never as an answer", () => {
    const room = roomFromView(view);
    const follow = {
      id: "01Z",
      kind: "follow_up" as const,
      questionId: view.questionId,
      content: "주차도 되나요?",
      user: asker,
      createdAt: "2026-12-03T08:00:00Z",
      images: [],
      accepted: false,
    };
    const next = addMessage(room, follow, asker.id);
    expect(next.messages.map((m) => m.kind)).toEqual([...room.messages.map((m) => m.kind), "follow_up"]);
    expect(next.messages.at(-1)?.status).toBe("sent");
    expect(addMessage(next, follow, asker.id)).toBe(next);
    const early = addMessage(room, { ...follow, id: "00A" }, asker.id);
    expect(early.messages[0]?.kind).toBe("question");
    expect(early.messages[1]?.id).toBe("00A");
  });
});
