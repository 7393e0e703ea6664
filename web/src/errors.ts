// Every refusal a user can meet, in their language: the server's own sentence when it wrote
// one for people (in the language the client asked for, or "한국어 (English)" from a server
// that knows none), a sentence of ours for validator text, time-outs and codes it sends
// without one. Validator wording ("String should have at most 100 characters") never
// reaches the screen.

import { lang, t, type Key, type Lang } from "./i18n";

export interface WireErrorLike {
  code?: string;
  message?: string;
}

const BY_CODE: Record<string, Key> = {
  unauthenticated: "errSession",
  forbidden: "errForbidden",
  not_found: "errNotFound",
  deleted: "questionDeletedTitle",
  rate_limited: "errRateLimited",
  spam: "errSpam",
  conflict: "errConflict",
  internal: "errInternal",
  offline: "errOfflineSend",
  timeout: "errTimeout",
};

const VALIDATOR = /Invalid input|should have|should be|Field required|Input should|value is not/i;
const TOO_LONG = /(\w+): (?:String|List) should have at most (\d+)/;

const HANGUL = /[가-힣]/;
const HAN_OR_KANA = /[\u3040-\u30ff\u3400-\u9fff]/;
// "Not Found", "Too Many Requests": an HTTP reason phrase, not a sentence of ours.
const REASON_PHRASE = /^[A-Z][a-z]*(?: [A-Z][a-z]*)*$/;

/** "한국어 (English)" → the part in the reader's language (English for every reader but a
 * Korean one); other text as it is. */
export function pickLanguage(message: string, language: Lang = lang()): string {
  const both = /^(.*\S)\s*\(([^()]*[A-Za-z][^()]*)\)\s*$/.exec(message.trim());
  if (!both?.[1] || !both[2] || !HANGUL.test(both[1])) return message.trim();
  return language === "ko" ? both[1].trim() : both[2].trim();
}

/** Whether a message without Korean was written for people: the server renders its catalogue in the
 * language the client sends (Accept-Language, the socket's account), Korean with English
 * beside it when it knows none. */
function writtenForPeople(message: string, language: Lang): boolean {
  if (language === "en") return /\s/.test(message.trim()) && !REASON_PHRASE.test(message.trim());
  if (language !== "ko") return HAN_OR_KANA.test(message);
  return false;
}

/** The sentence to show for an error from the API or a socket acknowledgement. */
export function humanError(error: unknown): string {
  const e: WireErrorLike =
    error && typeof error === "object" ? (error as WireErrorLike) : { message: String(error) };
  const message = typeof e.message === "string" ? e.message : "";
  if (e.code === "invalid" || VALIDATOR.test(message)) {
    const tooLong = TOO_LONG.exec(message);
    if (tooLong?.[2]) return t("errTooLong", { max: tooLong[2] });
    if (VALIDATOR.test(message) || !message) return t("errInvalid");
    return pickLanguage(message);
  }
  const key = e.code ? BY_CODE[e.code] : undefined;
  // Codes whose own message is ours to word (time-outs, the socket's "not connected").
  if (key && (e.code === "offline" || e.code === "timeout" || e.code === "internal" || !message)) {
    return t(key);
  }
  if (message && (HANGUL.test(message) || (e.code && writtenForPeople(message, lang())))) {
    return pickLanguage(message);
  }
  return key ? t(key) : t("errUnknown");
}
