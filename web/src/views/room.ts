// A question room as a chat: bubbles, typing indicator, sent/delivered/read marks with
// unread counts, accepting an answer (the asker), the accepted badge and points.

import { humanError } from "../errors";
import { dismiss } from "../alerts";
import { api, ApiError } from "../api";
import { askedQuestions, myQuestions, realtime, refreshMe } from "../app";
import { h, uniqueId } from "../dom";
import { formatTime, lang, t } from "../i18n";
import { fillTrust } from "../trust";
import { profilePath } from "./publicprofile";
import { regionName } from "../hotspots";
import { icon } from "../icons";
import { session } from "../session";
import {
  activeTypists,
  addAnswer,
  addMessage,
  applyAccepted,
  applyStatus,
  askerId,
  clearTyping,
  emptyRoom,
  hideAnswer,
  latestFromOthers,
  roomFromView,
  setPresence,
  setTyping,
  setUsers,
  type ChatMessage,
  type RoomState,
} from "../state/chat";
import type {
  Answer,
  AnswerAcceptedEvent,
  MessageStatusEvent,
  NewAnswerEvent,
  NewFollowUpEvent,
  PresenceEvent,
  Question,
  QuestionWithAnswers,
  RoomMessage,
  RoomUser,
  RoomView,
  UserStopTypingEvent,
  UserTypingEvent,
} from "../types";
import { canClaim } from "../state/duty";
import { imagePicker } from "./images";
import { missingQuestion, questionMissing } from "./missing";
import { progressPanel } from "./progress";
import { pushOfferCard } from "./pushoffer";
import { roomSuggestion } from "./similar";
import { messageActions } from "./report";
import type { View } from "./view";

const TYPING_SEND_EVERY_MS = 2_000;
const TYPING_IDLE_MS = 2_500;

function clock(iso: string): string {
  return formatTime(iso);
}

/** A room built from the HTTP question when the socket can't join (offline). */
function viewFromHttp(q: QuestionWithAnswers): RoomView {
  return {
    questionId: q.id,
    users: [],
    messages: [
      { id: q.id, kind: "question", questionId: q.id, content: q.content, user: q.user, createdAt: q.createdAt, images: q.images, accepted: false, status: "sent", unreadCount: 0 },
      ...q.answers.map((a) => ({ ...a, kind: "answer" as const, status: "sent" as const, unreadCount: 0 })),
    ],
  };
}

export function roomView(questionId: string): View {
  const me = session.user?.id ?? null;
  const cleanups: (() => void)[] = [];
  let state: RoomState = emptyRoom(questionId);
  let question: QuestionWithAnswers | null = null;
  let lastReadSent: string | null = null;
  const nodes = new Map<string, { node: HTMLElement; signature: string }>();

  const heading = h("h1", { class: "room-title", tabindex: "-1", "data-testid": "room-title" }, "…");
  const meta = h("p", { class: "room-meta" });
  const people = h("p", { class: "room-people", "data-testid": "room-people" });
  // role="log" on a wrapper: on the <ol> itself it would hide the list from assistive tech.
  const log = h("ol", { class: "chat", "data-testid": "chat" });
  const typing = h("p", { class: "typing", "aria-live": "polite", "data-testid": "typing" });
  const notice = h("p", { class: "note", role: "status", "data-testid": "room-notice", hidden: true });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  // The asker's own controls: edit until the first answer, close or delete at any time.
  const editButton = h("button", { type: "button", class: "button small", "data-testid": "edit-question", hidden: true }, t("editQuestion"));
  const closeButton = h("button", { type: "button", class: "button small", "data-testid": "close-question", hidden: true }, t("closeQuestion"));
  const deleteButton = h("button", { type: "button", class: "button small danger", "data-testid": "delete-question", hidden: true }, t("deleteQuestion"));
  const editTitle = h("input", { type: "text", maxlength: 100, "data-testid": "edit-title", "aria-label": t("fieldTitle") });
  const editContent = h("textarea", { rows: 3, maxlength: 1000, "data-testid": "edit-content", "aria-label": t("fieldContent") });
  const editError = h("p", { class: "form-error", role: "alert", hidden: true });
  const editForm = h(
    "form",
    {
      class: "card form edit-question",
      hidden: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const ack = await realtime.request<{ question: Question }>("edit_question", {
          questionId,
          title: editTitle.value.trim(),
          content: editContent.value.trim(),
        });
        if (!ack.ok) {
          editError.textContent = humanError(ack.error);
          editError.hidden = false;
          return;
        }
        editForm.hidden = true;
        applyQuestion(ack.question);
      },
    },
    editTitle,
    editContent,
    editError,
    h("div", { class: "row" }, h("button", { type: "submit", class: "button small primary", "data-testid": "edit-save" }, t("save")), h("button", { type: "button", class: "button small", onclick: () => (editForm.hidden = true) }, t("cancel"))),
  );
  editButton.addEventListener("click", () => {
    if (!question) return;
    editTitle.value = question.title;
    editContent.value = question.content;
    editError.hidden = true;
    editForm.hidden = false;
    editTitle.focus();
  });
  closeButton.addEventListener("click", async () => {
    if (!window.confirm(t("closeQuestionConfirm"))) return;
    const ack = await realtime.request<{ question: Question }>("close_question", { questionId });
    if (!ack.ok) {
      error.textContent = humanError(ack.error);
      error.hidden = false;
      return;
    }
    applyQuestion(ack.question);
  });
  deleteButton.addEventListener("click", async () => {
    if (!window.confirm(t("deleteQuestionConfirm"))) return;
    const ack = await realtime.request<{ questionId: string }>("delete_question", { questionId });
    if (!ack.ok) {
      error.textContent = humanError(ack.error);
      error.hidden = false;
      return;
    }
    showDeleted();
  });
  /** Deleted (here, on another device, by the asker while we look): the room gives way to
   * the "삭제된 질문이에요" page. */
  let deleted = false;
  const showDeleted = (): void => {
    if (deleted) return;
    deleted = true;
    myQuestions().forget(questionId);
    realtime.leaveRoom(questionId);
    el.replaceChildren(missingQuestion("deleted"));
    el.querySelector<HTMLElement>(".page-title")?.focus();
  };
  /** The question changed (edited or closed), here or on another device. */
  const applyQuestion = (q: Question): void => {
    if (!question || q.id !== questionId) return;
    question = { ...question, ...q, answers: question.answers };
    const first = state.messages[0];
    if (first?.kind === "question" && first.content !== q.content) {
      update({ ...state, messages: [{ ...first, content: q.content }, ...state.messages.slice(1)] });
    }
    renderHeader();
    renderComposer();
  };
  const progress = progressPanel(questionId);
  cleanups.push(progress.destroy);
  // "답변할게요": a notified local tells the asker (and the router, which holds its next round).
  let claimedUntil: string | null = null;
  const claimNote = h("p", { class: "note", role: "status", "data-testid": "claim-status", hidden: true });
  const claimButton = h(
    "button",
    {
      type: "button",
      class: "button small",
      "data-testid": "claim",
      hidden: true,
      onclick: async () => {
        claimButton.disabled = true;
        const ack = await realtime.request<{ claimedUntil: string }>("claim_question", { questionId });
        claimButton.disabled = false;
        claimNote.hidden = false;
        if (!ack.ok) {
          claimNote.textContent = t("claimFailed", { reason: humanError(ack.error) });
          return;
        }
        claimedUntil = ack.claimedUntil;
        claimNote.textContent = t("claimDone", { time: clock(ack.claimedUntil) });
        renderComposer();
      },
    },
    t("claimButton"),
  );

  // ---- composer ----
  const input = h("textarea", {
    id: uniqueId("answer"),
    rows: 1,
    maxlength: 1000,
    placeholder: t("answerPlaceholder"),
    "data-testid": "answer-input",
  });
  const photos = imagePicker(uniqueId("answer-photo"), 5);
  const send = h("button", { type: "submit", class: "button primary", "data-testid": "answer-send" }, t("sendAnswer"));
  let typingSentAt = 0;
  let idleTimer: number | undefined;
  const stopTyping = (): void => {
    if (typingSentAt) realtime.send("typing_stop", { questionId });
    typingSentAt = 0;
    window.clearTimeout(idleTimer);
  };
  input.addEventListener("input", () => {
    const now = Date.now();
    if (input.value.trim() && now - typingSentAt > TYPING_SEND_EVERY_MS) {
      realtime.send("typing_start", { questionId });
      typingSentAt = now;
    }
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  const photoButton = h(
    "label",
    { for: photos.input.id, class: "button icon", title: t("attachImage") },
    icon("camera"),
    h("span", { class: "visually-hidden" }, t("attachImage")),
  );
  const composer = h(
    "form",
    {
      class: "composer",
      "data-testid": "composer",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const content = input.value.trim();
        if (!content) return;
        error.hidden = true;
        if (!realtime.connected) {
          error.textContent = t("errOfflineSend");
          error.hidden = false;
          return;
        }
        send.disabled = true;
        stopTyping();
        if (isAsker()) {
          // The asker's own room: a follow-up or thanks, never an answer.
          const posted = await realtime.request<{ message: RoomMessage }>("post_follow_up", { questionId, content });
          send.disabled = false;
          if (!posted.ok) {
            error.textContent = humanError(posted.error);
            error.hidden = false;
            return;
          }
          input.value = "";
          update(addMessage(state, posted.message, me));
          input.focus();
          return;
        }
        const ack = await realtime.request<{ answer: Answer }>("create_answer", {
          questionId,
          content,
          imageIds: photos.ids(),
        });
        send.disabled = false;
        if (!ack.ok) {
          error.textContent = humanError(ack.error);
          error.hidden = false;
          return;
        }
        input.value = "";
        photos.clear();
        update(addAnswer(state, ack.answer, me));
        input.focus();
      },
    },
    h("label", { for: input.id, class: "visually-hidden" }, t("answerLabel")),
    photos.input,
    photoButton,
    input,
    send,
  );
  const composerWrap = h("div", { class: "composer-wrap" }, photos.el, composer, error);

  // ---- rendering ----
  const isAsker = (): boolean => me !== null && askerId(state) === me;

  const renderHeader = (): void => {
    if (question) {
      heading.textContent = question.title;
      document.title = `${question.title} · ${t("appName")}`;
      meta.replaceChildren(
        ...[
          question.urgency === "urgent" ? h("span", { class: "badge urgent" }, t("urgent")) : null,
          h("span", { class: "region" }, regionName(question.regionCode)),
          question.hashtags.length ? h("span", { class: "qcard-tags" }, question.hashtags.map((x) => `#${x}`).join(" ")) : null,
        ].filter((x): x is HTMLSpanElement => x !== null),
      );
    }
    const online = state.users.filter((u) => u.online).length;
    people.textContent = state.users.length
      ? `${t("roomParticipants", { count: state.users.length })} · ${t("onlineCount", { count: online })}`
      : "";
  };

  const markFor = (m: ChatMessage): HTMLElement | null => {
    if (m.user.id !== me) return null;
    const label = m.status === "read" ? t("markRead") : m.status === "delivered" ? t("markDelivered") : t("markSent");
    return h(
      "span",
      { class: `mark mark-${m.status}`, "data-testid": "read-mark", "data-status": m.status },
      m.unreadCount > 0
        ? h("span", { class: "unread-count", "aria-label": t("unreadCount", { count: m.unreadCount }) }, String(m.unreadCount))
        : null,
      label,
    );
  };

  // One report/block menu per message, kept across re-renders (read marks redraw a bubble).
  const menus = new Map<string, HTMLElement>();
  const menuFor = (m: ChatMessage): HTMLElement => {
    let menu = menus.get(m.id);
    if (!menu) {
      menu = messageActions({ ...m, questionId });
      menus.set(m.id, menu);
    }
    return menu;
  };

  const messageNode = (m: ChatMessage): HTMLElement => {
    const mine = m.user.id === me;
    const canAccept = isAsker() && m.kind === "answer" && !mine && !m.hidden && state.acceptedAnswerId === null;
    const author = h(
      "div",
      { class: "msg-author" },
      // The visible nickname is the link's name (axe: label-content-name-mismatch); the title says where it leads.
      mine ? t("you") : h("a", { href: profilePath(m.user.id), title: t("seeProfile", { nickname: m.user.nickname }) }, m.user.nickname),
      m.user.isLocalVerified ? h("span", { class: "badge verified" }, t("verifiedLocal")) : null,
      m.kind === "answer" && m.user.isLocalVerified ? fillTrust(h("span", { class: "trust", "data-testid": "trust" }), m.user.id) : null,
      m.kind === "question" ? h("span", { class: "badge" }, t("asker")) : null,
      m.kind === "follow_up" ? h("span", { class: "badge" }, t("followUpBadge")) : null,
      mine || me === null || m.hidden ? null : menuFor(m),
    );
    return h(
      "li",
      {
        class: `msg ${mine ? "mine" : "theirs"} ${m.kind}${m.accepted ? " accepted" : ""}`,
        "data-testid": "message",
        "data-message-id": m.id,
        "data-kind": m.kind,
      },
      author,
      h(
        "div",
        { class: "bubble" },
        m.hidden
          ? h("p", { class: "msg-text hidden-answer", "data-testid": "hidden-answer" }, t("answerHidden"))
          : h("p", { class: "msg-text" }, m.content),
        m.images.length
          ? h("div", { class: "msg-images" }, m.images.map((img) => h("a", { href: img.url, target: "_blank", rel: "noopener" }, h("img", { src: img.url, alt: "", loading: "lazy", width: Math.min(img.width, 240) }))))
          : null,
      ),
      h(
        "div",
        { class: "msg-meta" },
        markFor(m),
        h("time", { datetime: m.createdAt }, clock(m.createdAt)),
        m.accepted
          ? h(
              "span",
              { class: "badge accepted-badge", "data-testid": "accepted-badge", tabindex: "-1" },
              `✓ ${t("acceptedBadge")}`,
              m.pointsAwarded !== undefined ? ` ${t("pointsAwarded", { points: m.pointsAwarded })}` : "",
            )
          : null,
        canAccept
          ? h(
              "button",
              { type: "button", class: "button small accept", "data-testid": "accept", onclick: () => void accept(m.id) },
              t("acceptAnswer"),
            )
          : null,
      ),
    );
  };

  const renderMessages = (): void => {
    const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    const keep = new Set(state.messages.map((m) => m.id));
    for (const [id, entry] of nodes) {
      if (!keep.has(id)) {
        entry.node.remove();
        nodes.delete(id);
      }
    }
    let previous: HTMLElement | null = null;
    for (const m of state.messages) {
      const canAccept = isAsker() && m.kind === "answer" && m.user.id !== me && !m.hidden && state.acceptedAnswerId === null;
      const signature = JSON.stringify([m.status, m.unreadCount, m.accepted, m.pointsAwarded, canAccept, m.content, m.hidden, lang()]);
      const entry = nodes.get(m.id);
      let node: HTMLElement;
      if (entry && entry.signature === signature) {
        node = entry.node;
      } else {
        node = messageNode(m);
        if (entry) entry.node.replaceWith(node);
        nodes.set(m.id, { node, signature });
      }
      const expectedNext: ChildNode | null = previous ? previous.nextSibling : log.firstChild;
      if (expectedNext !== node) log.insertBefore(node, expectedNext);
      previous = node;
    }
    if (nearBottom) log.scrollTop = log.scrollHeight;
  };

  const renderTyping = (): void => {
    const names = activeTypists(state, Date.now(), me);
    typing.textContent = names.length ? t("typing", { names: names.join(", ") }) : "";
  };

  const renderComposer = (): void => {
    if (isAsker()) {
      // The asker writes follow-ups and thanks (post_follow_up), without photos.
      composerWrap.hidden = false;
      photoButton.hidden = true;
      photos.input.hidden = true; // an input whose label is hidden would be unlabelled (axe)
      input.placeholder = t("followUpPlaceholder");
      const answered = state.messages.some((m) => m.kind === "answer");
      notice.hidden = Boolean(state.acceptedAnswerId);
      notice.textContent = answered ? t("askerAccept") : t("askerWaiting");
    } else if (state.acceptedAnswerId || question?.status === "closed") {
      composerWrap.hidden = true;
      notice.hidden = false;
      notice.textContent = state.acceptedAnswerId ? t("questionClosed") : t("questionClosedByAsker");
    } else {
      composerWrap.hidden = state.messages.length === 0;
      notice.hidden = true;
    }
    const answeredYet = state.messages.some((m) => m.kind === "answer");
    const closed = question?.status === "closed";
    editButton.hidden = !isAsker() || answeredYet || closed || !question;
    closeButton.hidden = !isAsker() || closed || !question;
    deleteButton.hidden = !isAsker() || !question;
    if (isAsker() && closed) {
      composerWrap.hidden = true;
      notice.hidden = false;
      notice.textContent = t("questionClosedByAsker");
    }
    const user = session.user;
    claimButton.hidden = !canClaim({
      role: user?.role ?? null,
      verified: user?.isLocalVerified ?? false,
      isAsker: isAsker(),
      questionOpen: state.acceptedAnswerId === null && question?.status !== "closed" && state.messages.length > 0,
      answeredByMe: state.messages.some((m) => m.kind === "answer" && m.user.id === me),
      claimedUntil,
      now: Date.now(),
    });
  };

  /** Read receipt for the newest message from someone else, while the page is seen. */
  const markRead = (): void => {
    const latest = latestFromOthers(state, me);
    if (!latest || document.visibilityState !== "visible") return;
    if (lastReadSent !== null && latest.id <= lastReadSent) return;
    if (!state.users.some((u) => u.id === me)) return; // not a member yet
    lastReadSent = latest.id;
    realtime.send("message_read", { questionId, messageId: latest.id });
  };

  function update(next: RoomState): void {
    const changed = next !== state;
    state = next;
    if (!changed) return;
    renderHeader();
    renderMessages();
    renderTyping();
    renderComposer();
    markRead();
    myQuestions().seen(questionId);
    if (state.messages.some((m) => m.kind === "answer")) askedQuestions().setState(questionId, "answered");
  }

  async function accept(answerId: string): Promise<void> {
    const ack = await realtime.request<{ answerId: string; questionId: string; pointsAwarded: number }>(
      "accept_answer",
      { answerId },
    );
    if (!ack.ok) {
      error.textContent = humanError(ack.error);
      error.hidden = false;
      notice.hidden = false;
      notice.textContent = humanError(ack.error);
      return;
    }
    update(applyAccepted(state, ack.answerId, ack.pointsAwarded));
    // The button pressed is gone: keep the focus on what it did, not on <body>.
    log.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(ack.answerId)}"] [data-testid="accepted-badge"]`)?.focus();
  }

  // ---- live events ----
  cleanups.push(
    realtime.onRoom((view) => {
      if (view.questionId === questionId) update(roomFromView(view, state));
    }),
    realtime.onDurable<NewAnswerEvent>("new_answer", (event) => {
      if (event.answer.questionId !== questionId) return;
      update(addAnswer(state, event.answer, me));
    }),
    realtime.onDurable<NewFollowUpEvent>("new_follow_up", (event) => {
      if (event.message.questionId === questionId) update(addMessage(state, event.message, me));
    }),
    realtime.onLive<{ question: Question }>("question_updated", (event) => applyQuestion(event.question)),
    realtime.onLive<{ questionId: string; answerId: string }>("answer_hidden", (event) => {
      if (event.questionId === questionId) update(hideAnswer(state, event.answerId));
    }),
    realtime.onLive<{ questionId: string }>("question_deleted", (event) => {
      if (event.questionId === questionId) showDeleted();
    }),
    realtime.onLive<{ answer: Answer }>("answer_created", (event) => {
      if (event.answer.questionId === questionId) update(addAnswer(state, event.answer, me));
    }),
    realtime.onDurable<AnswerAcceptedEvent>("answer_accepted", (event) => {
      if (event.questionId === questionId) update(applyAccepted(state, event.answerId, event.pointsAwarded));
      if (event.questionId === questionId) void refreshMe();
    }),
    realtime.onLive<MessageStatusEvent>("message_status", (event) => update(applyStatus(state, event))),
    realtime.onLive<UserTypingEvent>("user_typing", (event) => {
      if (event.questionId === questionId && event.userId !== me) {
        update(setTyping(state, event.userId, event.username, Date.now()));
      }
    }),
    realtime.onLive<UserStopTypingEvent>("user_stop_typing", (event) => {
      if (event.questionId === questionId) update(clearTyping(state, event.userId));
    }),
    realtime.onLive<{ questionId: string; users: RoomUser[] }>("room_users", (event) =>
      update(setUsers(state, event.questionId, event.users)),
    ),
    realtime.onLive<PresenceEvent>("user_online", (event) => update(setPresence(state, event.userId, true))),
    realtime.onLive<PresenceEvent>("user_offline", (event) => update(setPresence(state, event.userId, false))),
  );
  const typingTimer = window.setInterval(renderTyping, 1_000);
  const onVisible = (): void => markRead();
  document.addEventListener("visibilitychange", onVisible);
  cleanups.push(
    () => window.clearInterval(typingTimer),
    () => document.removeEventListener("visibilitychange", onVisible),
  );

  // ---- load ----
  const load = async (): Promise<void> => {
    let missing: "gone" | "deleted" | null = null;
    const [joined, detail] = await Promise.all([
      realtime.joinRoom(questionId),
      api.question(questionId).catch((e: unknown) => {
        if (e instanceof ApiError) missing = questionMissing(e.status, e.code);
        return null;
      }),
    ]);
    if (missing) {
      realtime.leaveRoom(questionId);
      el.replaceChildren(missingQuestion(missing));
      return;
    }
    question = detail;
    progress.set(detail?.progress);
    if (joined.ok) {
      update(roomFromView(joined, state));
    } else if (detail) {
      update(roomFromView(viewFromHttp(detail), state));
    } else {
      notice.hidden = false;
      notice.textContent = t("loadFailed");
    }
    if (detail?.user.id === me) {
      myQuestions().remember(questionId);
      if (!state.acceptedAnswerId) suggestion.replaceWith(roomSuggestion(questionId));
    }
    renderHeader();
    renderComposer();
  };
  const suggestion = h("div", { hidden: true });
  myQuestions().seen(questionId);
  askedQuestions().markRead(questionId);
  dismiss(`question-${questionId}`); // its card has done its job once the room is open
  void load();
  if (new URLSearchParams(location.search).has("posted")) {
    history.replaceState(null, "", location.pathname); // a reload doesn't ask again
    void pushOfferCard().then((card) => {
      if (card) progress.el.before(card);
    });
  }

  const el = h(
    "section",
    { class: "room" },
    h(
      "header",
      { class: "room-head" },
      h("a", { href: "/", class: "back" }, h("span", { "aria-hidden": "true" }, "←"), " ", t("roomBack")),
      heading,
      meta,
      people,
      h("div", { class: "row manage" }, editButton, closeButton, deleteButton),
    ),
    editForm,
    progress.el,
    suggestion,
    h("div", { role: "log", "aria-live": "polite", "aria-label": t("roomLog") }, log),
    typing,
    notice,
    h("div", { class: "claim-row" }, claimButton, claimNote),
    composerWrap,
  );
  return {
    el,
    title: t("appName"),
    destroy: () => {
      stopTyping();
      realtime.leaveRoom(questionId);
      for (const cleanup of cleanups) cleanup();
    },
  };
}

