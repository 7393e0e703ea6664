// "지금 답변할 수 있어요" ([13] set_on_duty) and "답변할게요" ([13] claim_question): what the
// toggle and the claim button show, from the server's timestamps and the device's clock.

import type { Role } from "../types";

/** How long the toggle asks for; the server may cap it and says so in onDutyUntil. */
export const ON_DUTY_MINUTES = 60;

export const ANSWER_LANGUAGES = ["ko", "en", "zh", "ja"] as const;
export type AnswerLanguage = (typeof ANSWER_LANGUAGES)[number];

/** The on-duty mark in force at `now`: the time it lapses, or null when off (or lapsed). */
export function onDutyUntil(until: string | null | undefined, now: number): string | null {
  if (typeof until !== "string") return null;
  const at = Date.parse(until);
  return Number.isFinite(at) && at > now ? until : null;
}

/** The answer languages as settings carry them: known codes only, in order, Korean if none. */
export function normalizeLanguages(raw: unknown): AnswerLanguage[] {
  const given = Array.isArray(raw) ? raw : [];
  const chosen = ANSWER_LANGUAGES.filter((code) => given.includes(code));
  return chosen.length ? chosen : ["ko"];
}

export interface ClaimContext {
  role: Role | null;
  verified: boolean;
  isAsker: boolean;
  questionOpen: boolean;
  answeredByMe: boolean;
  claimedUntil: string | null;
  now: number;
}

/** Whether a local may press "답변할게요" now (the server still decides whether they were asked). */
export function canClaim(c: ClaimContext): boolean {
  if (c.isAsker || !c.questionOpen || c.answeredByMe) return false;
  if (c.role !== "local" || !c.verified) return false;
  return onDutyUntil(c.claimedUntil, c.now) === null;
}
