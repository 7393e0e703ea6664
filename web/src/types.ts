// The wire contract (shared/PROTOCOL.md and the server's schemas): camelCase, ids as strings.

export interface LatLng {
  lat: number;
  lng: number;
}

export type Role = "traveler" | "local" | "admin";
export type Urgency = "normal" | "urgent";
export type QuestionStatus = "open" | "answered" | "accepted" | "closed";
export type MessageState = "sent" | "delivered" | "read";

export interface User {
  id: string;
  email: string;
  nickname: string;
  role: Role;
  isLocalVerified: boolean;
  points: number;
  homeRegion: string | null;
  bio: string | null;
  phone: string | null;
  /** The account's language (ko, en, zh-CN, zh-TW, ja); null until chosen. */
  language?: string | null;
  createdAt: string;
  /** [13] on duty until then; absent on an older server. */
  onDutyUntil?: string | null;
}

export interface AuthResponse {
  user: User;
  accessToken: string;
  refreshToken: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export interface UserBrief {
  id: string;
  nickname: string;
  isLocalVerified: boolean;
}

export interface ImageOut {
  id: string;
  url: string;
  width: number;
  height: number;
}

export interface Question {
  id: string;
  title: string;
  content: string;
  location: LatLng;
  regionCode: string;
  hashtags: string[];
  urgency: Urgency;
  status: QuestionStatus;
  answerCount: number;
  acceptedAnswerId: string | null;
  firstAnswerAt: string | null;
  createdAt: string;
  user: UserBrief;
  images: ImageOut[];
  distance?: number;
}

/** GET /api/public/answered: the landing page's read-only questions. */
export interface AnsweredQuestion extends Question {
  distance: number;
  topAnswer: Answer | null;
}

export interface Answer {
  id: string;
  questionId: string;
  content: string;
  user: UserBrief;
  createdAt: string;
  images: ImageOut[];
  accepted: boolean;
  /** Hidden by an operator on a report: no content, no images. */
  hidden?: boolean;
}

export interface QuestionWithAnswers extends Question {
  answers: Answer[];
  /** [13] routing progress for the asker (state/progress.ts reads it); absent on an older server. */
  progress?: unknown;
}

export interface RoomUser extends UserBrief {
  online: boolean;
  isAsker: boolean;
}

export interface RoomMessage {
  id: string;
  kind: "question" | "answer" | "follow_up";
  questionId: string;
  content: string;
  user: UserBrief;
  createdAt: string;
  images: ImageOut[];
  accepted: boolean;
  hidden?: boolean;
  status: MessageState;
  unreadCount: number;
}

export interface RoomView {
  questionId: string;
  users: RoomUser[];
  messages: RoomMessage[];
}

export interface QuietHours {
  start: string;
  end: string;
}

export interface Channels {
  socket: boolean;
  push: boolean;
  email: boolean;
  sms: boolean;
}

export interface NotificationSettings {
  immediateAlerts: boolean;
  quietHours: QuietHours | null;
  channels: Channels;
  radiusMeters: number;
  mutedHashtags: string[];
  interests: string[];
  followedRegions: string[];
  /** [13] languages the local answers in; absent on an older server. */
  languages?: string[];
  /** [13] read-only: set by `set_on_duty`, never sent back with PUT. */
  onDutyUntil?: string | null;
}

export interface NotificationItem {
  id: string;
  type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
  priority: string;
  createdAt: string;
  readAt: string | null;
  eventId: number;
}

export interface NotificationPage {
  notifications: NotificationItem[];
  unreadCount: number;
}

export interface UploadedImage {
  imageId: string;
  url: string;
  width: number;
  height: number;
  contentType: string;
}

// ---- server -> client events ------------------------------------------------------------

export interface NewQuestionNotification {
  eventId: number;
  question: {
    id: string;
    title: string;
    location: LatLng;
    regionCode: string;
    hashtags: string[];
    urgency: Urgency;
    createdAt: string;
  };
  priority: "IMMEDIATE" | "QUICK" | "EXTENDED" | "FINAL";
  distanceMeters: number | null;
  sound: "urgent" | "normal";
  vibration: "strong" | "light";
}

export interface AnswerNotification {
  eventId: number;
  questionId: string;
  answer: { id: string; preview: string; user: UserBrief; createdAt: string };
}

export interface NewAnswerEvent {
  eventId?: number;
  answer: Answer;
}

/** `new_follow_up`: the asker wrote in their room (durable). */
export interface NewFollowUpEvent {
  eventId?: number;
  message: Omit<RoomMessage, "status" | "unreadCount">;
}

export interface AnswerAcceptedEvent {
  eventId?: number;
  answerId: string;
  questionId: string;
  pointsAwarded?: number;
}

export interface NotificationEvent {
  eventId: number;
  id: string;
  type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
  priority: string;
  timestamp: string;
  sound: "urgent" | "normal";
}

export interface MessageStatusEvent {
  questionId: string;
  messageId: string;
  userId: string;
  status: MessageState;
  unreadCount: number;
}

export interface UserTypingEvent {
  userId: string;
  username: string;
  questionId: string;
}

export interface UserStopTypingEvent {
  userId: string;
  questionId: string;
}

export interface PresenceEvent {
  userId: string;
  timestamp: string;
}

export interface NearbyQuestionsUpdate {
  location: LatLng;
  questions: { id: string; title: string; distance: number; urgency: Urgency; createdAt: string }[];
}

export interface LoggedEvent {
  eventId: number;
  type: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export interface UnreadMessages {
  events: LoggedEvent[];
  lastEventId: number | null;
  hasMore: boolean;
}

export interface WireError {
  code: string;
  message: string;
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: WireError };

/** GET/POST /api/me/local-application, GET /api/admin/local-applications. */
export interface LocalApplication {
  id: string;
  userId: string;
  nickname: string;
  statement: string;
  status: "pending" | "approved" | "declined";
  declineReason: string | null;
  createdAt: string;
  decidedAt: string | null;
  recentAnswers: number;
  recentAnswerDays: number;
  /** Days (Asia/Seoul) the app reported a position on Jeju, in the last 90 days. */
  islandDays: number;
  /** islandDays >= 3: presence on the island attested, as Karrot verifies a neighbourhood. */
  presenceAttested: boolean;
  /** A document photo waits for the operator; deleted once decided. */
  hasDocument: boolean;
}
