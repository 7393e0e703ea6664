// Korean first; English, Simplified and Traditional Chinese and Japanese beside it. Every
// catalogue must have every key of `ko` (checked by the compiler and by i18n.test.ts); the
// Chinese and Japanese ones live in ./locales so this file stays a small merge for the others.
// Counts use ICU plural syntax (`{count, plural, one {# answer} other {# answers}}`), rendered
// with Intl.PluralRules; times and dates go through Intl, never through concatenation.

import { format } from "./messageformat";
import { ja } from "./locales/ja";
import { zhCN } from "./locales/zh-CN";
import { zhTW } from "./locales/zh-TW";

const ko = {
  appName: "동네물어봐",
  tagline: "제주 현지인에게 지금 바로 물어보세요",
  skipToContent: "본문으로 건너뛰기",
  // navigation
  navHome: "홈",
  navAsk: "질문하기",
  navNotifications: "알림",
  navSettings: "설정",
  navProfile: "내 정보",
  mainNavigation: "주요 메뉴",
  // connection
  connOnline: "실시간 연결됨",
  connConnecting: "연결 중…",
  connReconnecting: "연결이 끊겼어요. {delay}초 뒤 다시 연결합니다 ({attempt}/{max})",
  connOffline: "오프라인이에요. 새 답변과 알림을 받을 수 없어요.",
  connRetry: "다시 연결",
  // auth
  loginTitle: "로그인",
  signupTitle: "회원가입",
  email: "이메일",
  password: "비밀번호",
  passwordHint: "8자 이상",
  nickname: "닉네임",
  loginButton: "로그인",
  signupButton: "가입하기",
  toSignup: "처음이신가요? 회원가입",
  toLogin: "이미 계정이 있나요? 로그인",
  demoHint: "체험 계정: traveler1@dongne.demo / local01@dongne.demo, 비밀번호 jeju-demo-1234",
  logout: "로그아웃",
  errLogin: "이메일 또는 비밀번호가 맞지 않아요.",
  errEmailTaken: "이미 가입된 이메일이에요.",
  // home
  homeTitle: "내 주변 질문",
  tabNearby: "주변 질문",
  tabMine: "내 질문",
  locating: "위치를 확인하는 중…",
  locationUnknown: "위치를 알 수 없어요. 위치 권한을 허용하거나 질문하기에서 장소를 골라 주세요.",
  locationNear: "현재 위치: {place} 근처",
  locationCoords: "현재 위치: {lat}, {lng}",
  mapLabel: "주변 질문 지도",
  mapUnavailable: "지도를 불러올 수 없어 목록으로 보여 드려요.",
  mapUnavailablePick: "지도를 불러올 수 없어요. 현재 위치나 제주 명소 목록에서 골라 주세요.",
  noNearby: "반경 {radius} 안에 최근 질문이 없어요.",
  noMine: "아직 올린 질문이 없어요.",
  askCta: "질문하기",
  answersCount: "답변 {count}",
  unreadBadge: "새 답변 {count}개",
  urgent: "긴급",
  statusOpen: "답변 대기",
  statusAnswered: "답변 있음",
  statusAccepted: "채택 완료",
  statusClosed: "닫힘",
  refresh: "새로고침",
  away: "{distance} 거리",
  busyNear: "지금 {place} 근처에 질문이 많아요",
  busyDetail: "최근 15분 질문 {count}개 · {distance} 거리",
  busyLabel: "답변이 필요한 곳",
  // ask
  askTitle: "질문하기",
  fieldTitle: "제목",
  fieldTitlePlaceholder: "예: 성산일출봉 매표소 지금 열려 있나요?",
  fieldContent: "내용",
  fieldContentPlaceholder: "현지인이 바로 답할 수 있게 자세히 적어 주세요.",
  charCount: "{count}/{max}자",
  fieldHashtags: "해시태그 (최대 5개)",
  hashtagPlaceholder: "입력 후 Enter",
  hashtagList: "선택한 해시태그",
  hashtagRemove: "{tag} 삭제",
  hashtagFull: "해시태그는 5개까지 달 수 있어요.",
  fieldUrgent: "긴급 질문",
  urgentHint: "근처 현지인에게 소리와 진동으로 알려요.",
  fieldPosition: "위치",
  posGps: "현재 위치 (GPS)",
  posMap: "지도에서 선택",
  posHotspot: "제주 명소에서 선택",
  posHotspotLabel: "명소",
  posChooseHotspot: "명소를 골라 주세요",
  posMapHint: "지도를 눌러 위치를 고르세요.",
  posPicked: "선택한 위치: {lat}, {lng}",
  posGpsWaiting: "GPS 위치를 기다리는 중…",
  posGpsDenied: "위치 권한이 없어요. 명소 목록에서 골라 주세요.",
  fieldImages: "사진 (최대 5장)",
  addPhotos: "사진 선택",
  imageRemove: "사진 삭제",
  imageUploading: "사진 올리는 중…",
  submitQuestion: "질문 올리기",
  submitting: "올리는 중…",
  errNeedPosition: "위치를 정해 주세요.",
  errNeedTitle: "제목과 내용을 입력해 주세요.",
  errOfflineSend: "연결이 끊겨 있어요. 다시 연결된 뒤 보내 주세요.",
  // room
  roomBack: "뒤로",
  roomLog: "질문과 답변",
  roomParticipants: "참여자 {count}명",
  typing: "{names}님이 입력 중…",
  typingShort: "입력 중…",
  answerPlaceholder: "답변을 입력하세요",
  answerLabel: "답변 입력",
  sendAnswer: "보내기",
  attachImage: "사진 첨부",
  acceptAnswer: "채택하기",
  acceptedBadge: "채택됨",
  pointsAwarded: "+{points}P",
  markSent: "보냄",
  markDelivered: "전달됨",
  markRead: "읽음",
  unreadCount: "안 읽은 사람 {count}명",
  verifiedLocal: "인증 현지인",
  asker: "질문자",
  you: "나",
  askerOnlyAnswer: "내 질문에는 답변할 수 없어요. 현지인의 답변을 기다려 주세요.",
  askerAccept: "도움이 된 답변을 채택해 주세요. 답변한 현지인이 포인트를 받아요.",
  questionClosed: "채택이 끝난 질문이에요.",
  loadFailed: "불러오지 못했어요.",
  online: "접속 중",
  onlineCount: "{count}명 접속 중",
  // alerts
  alertNewQuestion: "근처 새 질문",
  alertUrgentQuestion: "긴급 질문",
  alertNewAnswer: "새 답변",
  alertOpen: "열기",
  alertDismiss: "닫기",
  alertAccepted: "답변이 채택되었어요! +{points}P",
  alertsRegion: "실시간 알림",
  // notifications
  notificationsTitle: "알림",
  notificationsEmpty: "알림이 없어요.",
  unread: "안 읽음",
  markAllRead: "모두 읽음",
  // settings
  settingsTitle: "설정",
  setImmediate: "즉시 알림 받기",
  setImmediateHint: "근처 질문을 바로 알려 드려요.",
  setQuiet: "방해 금지 시간",
  setQuietStart: "시작",
  setQuietEnd: "끝",
  setRadius: "알림 반경",
  setMuted: "받지 않을 해시태그",
  setChannels: "알림 채널",
  chSocket: "앱 안 실시간 알림",
  chPush: "웹 푸시",
  chEmail: "이메일",
  chSms: "문자(SMS)",
  setPush: "이 브라우저에서 푸시 알림 켜기",
  pushOn: "푸시 알림이 켜져 있어요.",
  pushUnsupported: "이 브라우저는 웹 푸시를 지원하지 않아요.",
  pushDenied: "알림 권한이 거부되었어요. 브라우저 설정에서 허용해 주세요.",
  pushFailed: "푸시 구독에 실패했어요: {reason}",
  save: "저장",
  saved: "저장했어요.",
  saveFailed: "저장하지 못했어요: {reason}",
  language: "언어",
  // profile
  profileTitle: "내 정보",
  points: "포인트",
  pointsValue: "{points}P",
  role: "역할",
  roleTraveler: "여행자",
  roleLocal: "현지인",
  roleAdmin: "운영자",
  verified: "인증된 현지인",
  notVerified: "미인증",
  adminDashboard: "관리자 대시보드",
  bio: "소개",
  homeRegion: "동네",
  phone: "휴대폰 번호",
  phoneHint: "SMS 알림용, 예: +821012345678",
  noneSelected: "선택 안 함",
  // misc
  justNow: "방금",
  notFoundTitle: "페이지를 찾을 수 없어요",
  goHome: "홈으로",
  errGeneric: "문제가 생겼어요: {reason}",
  // trust signals (GET /api/users/{id}/profile)
  trustResponse: "보통 {minutes}분 안에 답해요",
  trustResponseHours: "보통 {hours}시간 안에 답해요",
  trustAcceptRate: "채택 {rate}",
  trustAnswers: "답변 {count}개",
  trustNoAnswers: "아직 답변이 없어요",
  trustLabel: "{nickname}님의 답변 기록",
  publicProfileTitle: "현지인 프로필",
  seeProfile: "{nickname}님 프로필 보기",
  memberSince: "{date} 가입",
};

export type Key = keyof typeof ko;
export type Dictionary = Record<Key, string>;

const en: Dictionary = {
  appName: "Dongne",
  tagline: "Ask Jeju locals, right now",
  skipToContent: "Skip to content",
  navHome: "Home",
  navAsk: "Ask",
  navNotifications: "Alerts",
  navSettings: "Settings",
  navProfile: "Profile",
  mainNavigation: "Main menu",
  connOnline: "Live",
  connConnecting: "Connecting…",
  connReconnecting: "Connection lost. Reconnecting in {delay} s ({attempt}/{max})",
  connOffline: "You are offline. New answers and alerts can't reach you.",
  connRetry: "Retry",
  loginTitle: "Log in",
  signupTitle: "Sign up",
  email: "Email",
  password: "Password",
  passwordHint: "At least 8 characters",
  nickname: "Nickname",
  loginButton: "Log in",
  signupButton: "Sign up",
  toSignup: "New here? Sign up",
  toLogin: "Have an account? Log in",
  demoHint: "Demo: traveler1@dongne.demo / local01@dongne.demo, password jeju-demo-1234",
  logout: "Log out",
  errLogin: "Wrong email or password.",
  errEmailTaken: "This email is already registered.",
  homeTitle: "Questions near you",
  tabNearby: "Nearby",
  tabMine: "My questions",
  locating: "Finding your position…",
  locationUnknown: "Position unknown. Allow location access, or pick a place when asking.",
  locationNear: "You are near {place}",
  locationCoords: "Your position: {lat}, {lng}",
  mapLabel: "Map of nearby questions",
  mapUnavailable: "The map can't load; showing the list instead.",
  mapUnavailablePick: "The map can't load. Use your position or pick a Jeju hotspot.",
  noNearby: "No recent questions within {radius}.",
  noMine: "You haven't asked anything yet.",
  askCta: "Ask a question",
  answersCount: "{count, plural, one {# answer} other {# answers}}",
  unreadBadge: "{count} new",
  urgent: "Urgent",
  statusOpen: "Waiting",
  statusAnswered: "Answered",
  statusAccepted: "Accepted",
  statusClosed: "Closed",
  refresh: "Refresh",
  away: "{distance} away",
  busyNear: "Busy near {place} now",
  busyDetail: "{count, plural, one {# question} other {# questions}} in the last 15 min · {distance} away",
  busyLabel: "Places that need answers",
  askTitle: "Ask a question",
  fieldTitle: "Title",
  fieldTitlePlaceholder: "e.g. Is the Seongsan Ilchulbong ticket office open now?",
  fieldContent: "Details",
  fieldContentPlaceholder: "Give locals what they need to answer right away.",
  charCount: "{count}/{max}",
  fieldHashtags: "Hashtags (up to 5)",
  hashtagPlaceholder: "Type, then Enter",
  hashtagList: "Chosen hashtags",
  hashtagRemove: "Remove {tag}",
  hashtagFull: "Up to 5 hashtags.",
  fieldUrgent: "Urgent",
  urgentHint: "Nearby locals get a sound and vibration.",
  fieldPosition: "Position",
  posGps: "My position (GPS)",
  posMap: "Pick on the map",
  posHotspot: "Pick a Jeju hotspot",
  posHotspotLabel: "Hotspot",
  posChooseHotspot: "Choose a hotspot",
  posMapHint: "Tap the map to pick a position.",
  posPicked: "Picked: {lat}, {lng}",
  posGpsWaiting: "Waiting for GPS…",
  posGpsDenied: "No location permission. Pick a hotspot instead.",
  fieldImages: "Photos (up to 5)",
  addPhotos: "Choose photos",
  imageRemove: "Remove photo",
  imageUploading: "Uploading photo…",
  submitQuestion: "Post question",
  submitting: "Posting…",
  errNeedPosition: "Choose a position.",
  errNeedTitle: "Enter a title and details.",
  errOfflineSend: "Not connected. Send again once reconnected.",
  roomBack: "Back",
  roomLog: "Question and answers",
  roomParticipants: "{count, plural, one {# person} other {# people}}",
  typing: "{names} typing…",
  typingShort: "typing…",
  answerPlaceholder: "Write an answer",
  answerLabel: "Your answer",
  sendAnswer: "Send",
  attachImage: "Attach photo",
  acceptAnswer: "Accept",
  acceptedBadge: "Accepted",
  pointsAwarded: "+{points} pts",
  markSent: "Sent",
  markDelivered: "Delivered",
  markRead: "Read",
  unreadCount: "{count} unread",
  verifiedLocal: "Verified local",
  asker: "Asker",
  you: "You",
  askerOnlyAnswer: "You can't answer your own question. Locals will reply here.",
  askerAccept: "Accept the answer that helped you: its author earns points.",
  questionClosed: "This question has an accepted answer.",
  loadFailed: "Couldn't load.",
  online: "online",
  onlineCount: "{count} online",
  alertNewQuestion: "New question nearby",
  alertUrgentQuestion: "Urgent question",
  alertNewAnswer: "New answer",
  alertOpen: "Open",
  alertDismiss: "Dismiss",
  alertAccepted: "Your answer was accepted! +{points} pts",
  alertsRegion: "Live alerts",
  notificationsTitle: "Notifications",
  notificationsEmpty: "No notifications.",
  unread: "Unread",
  markAllRead: "Mark all read",
  settingsTitle: "Settings",
  setImmediate: "Immediate alerts",
  setImmediateHint: "Hear about nearby questions at once.",
  setQuiet: "Quiet hours",
  setQuietStart: "From",
  setQuietEnd: "To",
  setRadius: "Alert radius",
  setMuted: "Muted hashtags",
  setChannels: "Channels",
  chSocket: "In-app live alerts",
  chPush: "Web Push",
  chEmail: "Email",
  chSms: "SMS",
  setPush: "Enable push notifications in this browser",
  pushOn: "Push notifications are on.",
  pushUnsupported: "This browser does not support Web Push.",
  pushDenied: "Notifications are blocked. Allow them in the browser settings.",
  pushFailed: "Push subscription failed: {reason}",
  save: "Save",
  saved: "Saved.",
  saveFailed: "Couldn't save: {reason}",
  language: "Language",
  profileTitle: "Profile",
  points: "Points",
  pointsValue: "{points} pts",
  role: "Role",
  roleTraveler: "Traveler",
  roleLocal: "Local",
  roleAdmin: "Operator",
  verified: "Verified local",
  notVerified: "Not verified",
  adminDashboard: "Admin dashboard",
  bio: "About",
  homeRegion: "Home area",
  phone: "Mobile number",
  phoneHint: "For SMS alerts, e.g. +821012345678",
  noneSelected: "None",
  justNow: "just now",
  notFoundTitle: "Page not found",
  goHome: "Go home",
  errGeneric: "Something went wrong: {reason}",
  trustResponse: "{minutes, plural, one {Usually answers within # minute} other {Usually answers within # minutes}}",
  trustResponseHours: "{hours, plural, one {Usually answers within # hour} other {Usually answers within # hours}}",
  trustAcceptRate: "{rate} accepted",
  trustAnswers: "{count, plural, one {# answer} other {# answers}}",
  trustNoAnswers: "No answers yet",
  trustLabel: "{nickname}'s answer record",
  publicProfileTitle: "Local's profile",
  seeProfile: "View {nickname}'s profile",
  memberSince: "Member since {date}",
};

export const dictionaries = { ko, en, "zh-CN": zhCN, "zh-TW": zhTW, ja } as const;
export type Lang = keyof typeof dictionaries;
export const LANGS = Object.keys(dictionaries) as Lang[];

/** Each language named in itself, for the language menu. */
export const LANG_NAMES: Record<Lang, string> = {
  ko: "한국어",
  en: "English",
  "zh-CN": "简体中文",
  "zh-TW": "繁體中文",
  ja: "日本語",
};

const LANG_KEY = "dongne.lang";
let current: Lang = "ko";
const listeners = new Set<() => void>();

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as string[]).includes(value);
}

/**
 * The best of our languages for a browser's preference list (navigator.languages):
 * Taiwan, Hong Kong and Macau and any "Hant" tag read Traditional Chinese, other Chinese
 * Simplified; the first tag we can serve wins, Korean when none.
 */
export function detectLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    const [primary] = lower.split("-");
    if (primary === "zh") {
      return /-(tw|hk|mo|hant)\b/.test(lower) ? "zh-TW" : "zh-CN";
    }
    if (primary === "ko" || primary === "en" || primary === "ja") return primary;
  }
  return "ko";
}

/** The saved choice, else the browser's languages. */
export function initLang(
  storage: Pick<Storage, "getItem"> | null,
  preferred: readonly string[] = typeof navigator === "undefined" ? [] : navigator.languages ?? [],
): Lang {
  const saved = storage?.getItem(LANG_KEY);
  current = isLang(saved) ? saved : detectLang(preferred);
  return current;
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang, storage: Pick<Storage, "setItem"> | null): void {
  const changed = next !== current;
  current = next;
  storage?.setItem(LANG_KEY, next);
  if (changed) for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The text for `key` in the current language, placeholders and plurals filled. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  return format(dictionaries[current][key], params, current);
}

export function formatDistance(meters: number | null | undefined): string {
  if (meters === null || meters === undefined || !Number.isFinite(meters)) return "";
  if (meters < 1_000) return `${Math.round(meters / 10) * 10}m`;
  const km = meters / 1_000;
  return `${km < 10 ? Number(km.toFixed(1)) : Math.round(km)}km`;
}

/** "3 minutes ago" in the current language (Intl.RelativeTimeFormat). */
export function timeAgo(iso: string, now = Date.now()): string {
  const minutes = Math.floor((now - Date.parse(iso)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return t("justNow");
  const relative = new Intl.RelativeTimeFormat(current, { numeric: "always", style: "short" });
  if (minutes < 60) return relative.format(-minutes, "minute");
  if (minutes < 60 * 24) return relative.format(-Math.floor(minutes / 60), "hour");
  return relative.format(-Math.floor(minutes / (60 * 24)), "day");
}

/** A clock time ("14:05", "오후 2:05") in the current language. */
export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(current, { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** A calendar date in the current language. */
export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: "medium" }).format(new Date(iso));
}

/** A share (0–1) as a percentage in the current language. */
export function formatPercent(share: number): string {
  return new Intl.NumberFormat(current, { style: "percent", maximumFractionDigits: 0 }).format(share);
}
