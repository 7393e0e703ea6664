// The client's shared parts: the live link, app-wide state, the user's own questions.

import { api } from "./api";
import { Realtime, type Position } from "./realtime";
import { session } from "./session";
import type { LinkState } from "./state/backoff";
import { MemoryStore } from "./state/ledger";
import { AskedQuestions } from "./state/asked";
import { MyQuestions } from "./state/myquestions";
import { Store } from "./state/store";
import type { GeoError } from "./geo";
import type { NearbyQuestionsUpdate } from "./types";

export interface AppState {
  position: Position | null;
  positionError: GeoError | null;
  link: LinkState;
  linkAttempt: number;
  linkDelayMs: number | null;
  unreadNotifications: number;
  nearbyLive: NearbyQuestionsUpdate | null;
}

export const appState = new Store<AppState>({
  position: null,
  positionError: null,
  link: "connecting",
  linkAttempt: 0,
  linkDelayMs: null,
  unreadNotifications: 0,
  nearbyLive: null,
});

export const realtime = new Realtime(localStorage);

let mine = new MyQuestions(new MemoryStore(), "none");
export function myQuestions(): MyQuestions {
  return mine;
}
export function loadMyQuestions(userId: string): MyQuestions {
  mine = new MyQuestions(localStorage, `dongne.myQuestions.${userId}`);
  return mine;
}

let asked = new AskedQuestions(new MemoryStore(), "none");
/** The questions this user (a local) was asked about. */
export function askedQuestions(): AskedQuestions {
  return asked;
}
export function loadAskedQuestions(userId: string): AskedQuestions {
  asked = new AskedQuestions(localStorage, `dongne.askedQuestions.${userId}`);
  return asked;
}

/** Re-reads the profile (points change when an answer is accepted). */
export async function refreshMe(): Promise<void> {
  if (!session.user) return;
  try {
    session.updateUser(await api.me());
  } catch {
    // keep what we have; the next refresh will tell
  }
}

export async function refreshUnreadNotifications(): Promise<void> {
  if (!session.user) return;
  try {
    const page = await api.notifications();
    appState.set({ unreadNotifications: page.unreadCount });
  } catch {
    // not fatal
  }
}
