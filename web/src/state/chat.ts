// The state of one question room, as pure functions: what the chat screen shows.

import type {
  Answer,
  MessageState,
  MessageStatusEvent,
  RoomMessage,
  RoomUser,
  RoomView,
  UserBrief,
} from "../types";

export const TYPING_EXPIRE_MS = 5_000;

export interface ChatMessage {
  id: string;
  kind: "question" | "answer" | "follow_up";
  content: string;
  user: UserBrief;
  createdAt: string;
  images: { id: string; url: string; width: number; height: number }[];
  accepted: boolean;
  /** An answer an operator hid: shown as a notice, without text, images or actions. */
  hidden: boolean;
  status: MessageState;
  unreadCount: number;
  pointsAwarded?: number;
}

export interface Typist {
  username: string;
  until: number;
}

export interface RoomState {
  questionId: string;
  users: RoomUser[];
  messages: ChatMessage[];
  typing: Record<string, Typist>;
  acceptedAnswerId: string | null;
}

const RANK: Record<MessageState, number> = { sent: 0, delivered: 1, read: 2 };

function fromRoomMessage(message: RoomMessage): ChatMessage {
  return {
    id: message.id,
    kind: message.kind,
    content: message.content,
    user: message.user,
    createdAt: message.createdAt,
    images: message.images,
    accepted: message.accepted,
    hidden: message.hidden ?? false,
    status: message.status,
    unreadCount: message.unreadCount,
  };
}

function byId(a: ChatMessage, b: ChatMessage): number {
  // Ids are time-ordered (ULIDs): the question first, answers in the order written.
  if (a.kind === "question" || b.kind === "question") {
    return a.kind === b.kind ? 0 : a.kind === "question" ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function emptyRoom(questionId: string): RoomState {
  return { questionId, users: [], messages: [], typing: {}, acceptedAnswerId: null };
}

/** The room as `join_question` returns it; keeps the typing state already known. */
export function roomFromView(view: RoomView, previous?: RoomState): RoomState {
  const known = new Map((previous?.messages ?? []).map((m) => [m.id, m]));
  const messages = view.messages.map((m) => {
    const next = fromRoomMessage(m);
    const old = known.get(m.id);
    if (old?.pointsAwarded !== undefined) next.pointsAwarded = old.pointsAwarded;
    return next;
  });
  // Messages known here but not in the view (e.g. sent a moment ago) stay.
  for (const old of known.values()) {
    if (!messages.some((m) => m.id === old.id)) messages.push(old);
  }
  messages.sort(byId);
  const accepted = messages.find((m) => m.accepted);
  return {
    questionId: view.questionId,
    users: view.users,
    messages,
    typing: previous?.typing ?? {},
    acceptedAnswerId: accepted?.id ?? previous?.acceptedAnswerId ?? null,
  };
}

/** A new answer (ours or another's); a second copy of the same answer changes nothing. */
export function addAnswer(state: RoomState, answer: Answer, myId: string | null): RoomState {
  return addMessage(state, { ...answer, kind: "answer" }, myId);
}

/** A new answer or follow-up, placed in id order; the author stops typing and is present. */
export function addMessage(
  state: RoomState,
  answer: Omit<RoomMessage, "status" | "unreadCount">,
  myId: string | null,
): RoomState {
  if (answer.questionId !== state.questionId) return state;
  if (state.messages.some((m) => m.id === answer.id)) return state;
  const others = state.users.filter((u) => u.id !== answer.user.id).length;
  const message: ChatMessage = {
    id: answer.id,
    kind: answer.kind,
    content: answer.content,
    user: answer.user,
    createdAt: answer.createdAt,
    images: answer.images,
    accepted: answer.accepted,
    hidden: answer.hidden ?? false,
    status: "sent",
    unreadCount: answer.user.id === myId ? Math.max(others, 1) : 0,
  };
  const typing = { ...state.typing };
  delete typing[answer.user.id];
  const users = state.users.some((u) => u.id === answer.user.id)
    ? state.users
    : [...state.users, { ...answer.user, online: true, isAsker: false }];
  return { ...state, users, typing, messages: [...state.messages, message].sort(byId) };
}

/** `message_status`: a member's delivered/read marker moved; counts are the author's view. */
export function applyStatus(state: RoomState, event: MessageStatusEvent): RoomState {
  if (event.questionId !== state.questionId) return state;
  let changed = false;
  const messages = state.messages.map((m) => {
    // Markers move forward: a mark on a later message also covers earlier ones,
    // but only the marked message's count is known exactly.
    if (m.id !== event.messageId) {
      if (m.id < event.messageId && m.user.id !== event.userId && event.unreadCount === 0) {
        if (m.status !== "read" || m.unreadCount !== 0) {
          changed = true;
          return { ...m, status: "read" as const, unreadCount: 0 };
        }
      }
      return m;
    }
    const reported: MessageState = event.unreadCount === 0 ? "read" : "delivered";
    const status = RANK[reported] > RANK[m.status] ? reported : m.status;
    const unreadCount = Math.min(m.unreadCount, event.unreadCount);
    if (status === m.status && unreadCount === m.unreadCount) return m;
    changed = true;
    return { ...m, status, unreadCount };
  });
  return changed ? { ...state, messages } : state;
}

/** `answer_hidden`: an operator hid the answer; its text and images leave the screen. */
export function hideAnswer(state: RoomState, answerId: string): RoomState {
  if (!state.messages.some((m) => m.id === answerId && !m.hidden)) return state;
  return {
    ...state,
    messages: state.messages.map((m) =>
      m.id === answerId ? { ...m, hidden: true, content: "", images: [] } : m,
    ),
  };
}

export function applyAccepted(state: RoomState, answerId: string, points?: number): RoomState {
  if (!state.messages.some((m) => m.id === answerId)) {
    return { ...state, acceptedAnswerId: answerId };
  }
  return {
    ...state,
    acceptedAnswerId: answerId,
    messages: state.messages.map((m) =>
      m.id === answerId
        ? { ...m, accepted: true, ...(points !== undefined ? { pointsAwarded: points } : {}) }
        : m,
    ),
  };
}

export function setTyping(
  state: RoomState,
  userId: string,
  username: string,
  now: number,
): RoomState {
  // Someone typing here is plainly present, whatever the last presence signal said.
  const users = state.users.map((u) => (u.id === userId && !u.online ? { ...u, online: true } : u));
  return { ...state, users, typing: { ...state.typing, [userId]: { username, until: now + TYPING_EXPIRE_MS } } };
}

/** The room's people as the server lists them (`room_users`, sent to the room on every join). */
export function setUsers(state: RoomState, questionId: string, users: RoomUser[]): RoomState {
  if (questionId !== state.questionId) return state;
  return { ...state, users };
}

export function clearTyping(state: RoomState, userId: string): RoomState {
  if (!(userId in state.typing)) return state;
  const typing = { ...state.typing };
  delete typing[userId];
  return { ...state, typing };
}

/** Who is typing now (entries expire after 5 s without a refresh, as on the server). */
export function activeTypists(state: RoomState, now: number, myId: string | null): string[] {
  return Object.entries(state.typing)
    .filter(([userId, t]) => userId !== myId && t.until > now)
    .map(([, t]) => t.username);
}

export function setPresence(state: RoomState, userId: string, online: boolean): RoomState {
  if (!state.users.some((u) => u.id === userId)) return state;
  return { ...state, users: state.users.map((u) => (u.id === userId ? { ...u, online } : u)) };
}

/** The newest message written by someone else: what a read receipt should name. */
export function latestFromOthers(state: RoomState, myId: string | null): ChatMessage | null {
  for (let i = state.messages.length - 1; i >= 0; i -= 1) {
    const m = state.messages[i];
    if (m && m.user.id !== myId) return m;
  }
  return null;
}

export function askerId(state: RoomState): string | null {
  return state.messages.find((m) => m.kind === "question")?.user.id ?? null;
}
