// Report and block, on the messages of a room (a question or an answer by someone else) and
// on a person's public profile: a "⋯" menu with a reason to report (POST /api/reports) and
// a block (POST /api/blocks).

import { api } from "../api";
import { h } from "../dom";
import { humanError } from "../errors";
import { t, type Key } from "../i18n";
import type { UserBrief } from "../types";

const REASONS: Key[] = ["reportSpam", "reportAbuse", "reportWrong", "reportOther"];

export type Reportable =
  | { kind: "question" | "answer" | "follow_up"; id: string; questionId: string; user: UserBrief }
  | { kind: "user"; user: UserBrief };

function reportTarget(m: Reportable): { type: "question" | "answer" | "user"; id: string } {
  if (m.kind === "user") return { type: "user", id: m.user.id };
  if (m.kind === "answer") return { type: "answer", id: m.id };
  // A follow-up is the asker's text in the question's room: reported with the question.
  return { type: "question", id: m.questionId };
}

export function messageActions(m: Reportable): HTMLElement {
  const status = h("p", { class: "hint", role: "status", "data-testid": "report-status" });
  const reason = h(
    "select",
    { "data-testid": "report-reason", "aria-label": t("reportReason") },
    REASONS.map((key) => h("option", { value: key }, t(key))),
  );
  const target = reportTarget(m);
  const report = h("button", { type: "button", class: "button small", "data-testid": "report-send" }, t("reportSend"));
  report.addEventListener("click", async () => {
    report.disabled = true;
    try {
      await api.report(target.type, target.id, t(reason.value as Key));
      status.textContent = t("reportDone");
    } catch (e) {
      report.disabled = false;
      status.textContent = humanError(e);
    }
  });
  const block = h("button", { type: "button", class: "button small", "data-testid": "block-user" }, t("blockUser", { name: m.user.nickname }));
  block.addEventListener("click", async () => {
    if (!window.confirm(t("blockConfirm", { name: m.user.nickname }))) return;
    block.disabled = true;
    try {
      await api.block(m.user.id);
      status.textContent = t("blockDone", { name: m.user.nickname });
    } catch (e) {
      block.disabled = false;
      status.textContent = humanError(e);
    }
  });
  return h(
    "details",
    { class: "msg-menu", "data-testid": "message-menu" },
    h("summary", { "aria-label": t("moreActions") }, "⋯"),
    h("div", { class: "msg-menu-body" }, reason, report, block, status),
  );
}
