// The HTTP API (`/api`, same origin): bearer token, one refresh on 401, typed replies.

import { lang } from "./i18n";
import { session } from "./session";
import type { HotspotList } from "./state/busy";
import type {
  AnsweredQuestion,
  AuthResponse,
  LocalApplication,
  NearbyQuestionsUpdate,
  NotificationPage,
  NotificationSettings,
  Question,
  QuestionWithAnswers,
  TokenPair,
  UploadedImage,
  User,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh token for a new pair; false (and signed out) when refused. */
export function refreshTokens(): Promise<boolean> {
  refreshing ??= (async () => {
    const token = session.refreshToken;
    if (!token) return false;
    try {
      const response = await fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refreshToken: token }),
      });
      if (!response.ok) {
        if (response.status === 401) session.signOut();
        return false;
      }
      session.tokens((await response.json()) as TokenPair);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Sends with the session's token (refreshed once on 401); a failure throws ApiError. */
async function send(method: string, path: string, body?: unknown, retry = true): Promise<Response> {
  // The server writes its error messages in this language.
  const headers: Record<string, string> = { "Accept-Language": lang() };
  const token = session.accessToken;
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload });
  if (response.status === 401 && retry && token && !path.startsWith("/api/auth/")) {
    if (await refreshTokens()) return send(method, path, body, false);
  }
  if (!response.ok) {
    let code = "internal";
    let message = response.statusText;
    try {
      const data = (await response.json()) as { error?: { code?: string; message?: string } };
      code = data.error?.code ?? code;
      message = data.error?.message ?? message;
    } catch {
      // not JSON
    }
    throw new ApiError(response.status, code, message);
  }
  return response;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (response.status === 204 || response.headers.get("content-length") === "0") {
    return undefined as T;
  }
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A file only the signed-in user may read (no public URL): fetched with the token. */
export async function requestBlob(path: string): Promise<Blob> {
  return (await send("GET", path)).blob();
}

export const api = {
  register: (email: string, password: string, nickname: string) =>
    request<AuthResponse>("POST", "/api/auth/register", { email, password, nickname }),
  login: (email: string, password: string) =>
    request<AuthResponse>("POST", "/api/auth/login", { email, password }),
  me: () => request<User>("GET", "/api/me"),
  askPasswordReset: (email: string) => request<unknown>("POST", "/api/auth/password-reset", { email }),
  confirmPasswordReset: (token: string, password: string) =>
    request<unknown>("POST", "/api/auth/password-reset/confirm", { token, password }),
  updateMe: (patch: Partial<Pick<User, "nickname" | "bio" | "homeRegion" | "phone" | "language">>) =>
    request<User>("PATCH", "/api/me", patch),
  settings: () => request<NotificationSettings>("GET", "/api/me/settings"),
  saveSettings: (settings: NotificationSettings) =>
    request<NotificationSettings>("PUT", "/api/me/settings", settings),
  nearby: (lat: number, lng: number, radius: number) =>
    request<{ questions: Question[] }>(
      "GET",
      `/api/questions?lat=${lat}&lng=${lng}&radius=${Math.min(Math.max(radius, 100), 50_000)}`,
    ),
  question: (id: string) =>
    request<QuestionWithAnswers>("GET", `/api/questions/${encodeURIComponent(id)}`),
  notifications: () => request<NotificationPage>("GET", "/api/notifications"),
  markNotificationRead: (id: string) =>
    request<unknown>("POST", `/api/notifications/${encodeURIComponent(id)}/read`),
  upload: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<UploadedImage>("POST", "/api/uploads", form);
  },
  hotspots: () => request<HotspotList>("GET", "/api/hotspots"),
  applyLocal: (statement: string) =>
    request<LocalApplication>("POST", "/api/me/local-application", { statement }),
  addApplicationDocument: (file: File) => {
    const form = new FormData();
    form.append("file", file);
    return request<LocalApplication>("PUT", "/api/me/local-application/document", form);
  },
  myLocalApplication: () =>
    request<{ application: LocalApplication | null }>("GET", "/api/me/local-application"),
  publicAnswered: (lat: number, lng: number) =>
    request<{ questions: AnsweredQuestion[] }>("GET", `/api/public/answered?lat=${lat}&lng=${lng}`),
  report: (targetType: string, targetId: string, reason: string) =>
    request<unknown>("POST", "/api/reports", { targetType, targetId, reason }),
  block: (userId: string) => request<unknown>("POST", "/api/blocks", { userId }),
  vapidPublicKey: () => request<{ publicKey: string }>("GET", "/api/push/vapid-public-key"),
  subscribePush: (subscription: PushSubscriptionJSON) =>
    request<unknown>("POST", "/api/push/subscriptions", {
      endpoint: subscription.endpoint,
      keys: subscription.keys,
      expirationTime: subscription.expirationTime ?? null,
    }),
};

export type NearbyUpdate = NearbyQuestionsUpdate;
