// Trust signals: how a local usually answers ("보통 3분 안에 답해요 · 채택 82% · 답변 41개"),
// from GET /api/users/{id}/profile. Fetched once per person and kept for a few minutes, so a
// room with many answers by the same local asks once.

import { request } from "./api";
import { formatPercent, t } from "./i18n";

export interface AnswerRecord {
  answers: number;
  questionsAnswered: number;
  acceptedAnswers: number;
  acceptanceRate: number | null;
  medianAnswerSeconds: number | null;
}

export interface PublicProfile {
  id: string;
  nickname: string;
  role: string;
  isLocalVerified: boolean;
  bio: string | null;
  createdAt: string;
  record: AnswerRecord;
}

const KEEP_MS = 5 * 60_000;
const loaded = new Map<string, { at: number; profile: Promise<PublicProfile> }>();

export function publicProfile(userId: string, now = Date.now()): Promise<PublicProfile> {
  const kept = loaded.get(userId);
  if (kept && now - kept.at < KEEP_MS) return kept.profile;
  const profile = request<PublicProfile>("GET", `/api/users/${encodeURIComponent(userId)}/profile`);
  loaded.set(userId, { at: now, profile });
  profile.catch(() => loaded.delete(userId));
  return profile;
}

/** The parts of the trust line, each a whole phrase in the current language. */
export function trustParts(record: AnswerRecord): string[] {
  if (record.answers === 0) return [t("trustNoAnswers")];
  const parts: string[] = [];
  const seconds = record.medianAnswerSeconds;
  if (seconds !== null) {
    parts.push(
      seconds < 3_600
        ? t("trustResponse", { minutes: Math.max(1, Math.ceil(seconds / 60)) })
        : t("trustResponseHours", { hours: Math.round(seconds / 3_600) }),
    );
  }
  if (record.acceptanceRate !== null) parts.push(t("trustAcceptRate", { rate: formatPercent(record.acceptanceRate) }));
  parts.push(t("trustAnswers", { count: record.answers }));
  return parts;
}

export function trustLine(record: AnswerRecord): string {
  return trustParts(record).join(" · ");
}

/** Fills `el` with the person's trust line once it is known; stays empty on failure. */
export function fillTrust(el: HTMLElement, userId: string): HTMLElement {
  void publicProfile(userId).then(
    (profile) => {
      el.textContent = trustLine(profile.record);
    },
    () => undefined,
  );
  return el;
}
