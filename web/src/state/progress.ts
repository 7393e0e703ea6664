// The asker's view of how their question is being routed ([13] `question_progress`, and
// `progress` on GET /api/questions/{id}): who was asked, who saw it, who is answering, what
// happens next. An older server sends none of it: parseProgress gives null and nothing shows.

import type { Key } from "../i18n";

export type NextStep = "widening" | "holding" | "answered" | "exhausted";

export interface QuestionProgress {
  questionId: string;
  asked: number;
  seen: number;
  answering: number;
  claimedBy: { nickname: string } | null;
  next: { what: NextStep; at?: string } | null;
}

const NEXT_STEPS: readonly NextStep[] = ["widening", "holding", "answered", "exhausted"];

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** A progress payload checked field by field; null when it is missing or not one. */
export function parseProgress(raw: unknown, questionId?: string): QuestionProgress | null {
  if (!raw || typeof raw !== "object") return null;
  const p = raw as Record<string, unknown>;
  const id = typeof p.questionId === "string" ? p.questionId : questionId;
  if (!id || typeof p.asked !== "number") return null;
  const claimed = p.claimedBy as { nickname?: unknown } | null | undefined;
  const next = p.next as { what?: unknown; at?: unknown } | null | undefined;
  const what = NEXT_STEPS.find((step) => step === next?.what);
  return {
    questionId: id,
    asked: count(p.asked),
    seen: count(p.seen),
    answering: count(p.answering),
    claimedBy: claimed && typeof claimed.nickname === "string" ? { nickname: claimed.nickname } : null,
    next: what ? { what, ...(typeof next?.at === "string" ? { at: next.at } : {}) } : null,
  };
}

export interface ProgressLine {
  key: Key;
  params: Record<string, string | number>;
}

/** The lines the asker reads, in order; empty before anyone was asked. */
export function progressLines(p: QuestionProgress | null): ProgressLine[] {
  if (!p) return [];
  const lines: ProgressLine[] = [];
  if (p.asked > 0) {
    lines.push(
      p.seen > 0
        ? { key: "progressAskedSeen", params: { asked: p.asked, seen: p.seen } }
        : { key: "progressAsked", params: { asked: p.asked } },
    );
  }
  const what = p.next?.what;
  // The server counts the claimer among those answering: name them rather than count them.
  // Once answered, a claim means nothing any more (the answer is in the room).
  if (what !== "answered") {
    if (p.claimedBy) lines.push({ key: "progressClaimed", params: { name: p.claimedBy.nickname } });
    else if (p.answering > 0) lines.push({ key: "progressAnswering", params: { count: p.answering } });
  }
  if (what === "widening") lines.push({ key: "progressWidening", params: {} });
  else if (what === "exhausted") lines.push({ key: "progressExhausted", params: {} });
  return lines;
}
