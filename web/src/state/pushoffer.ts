// When to ask for push: at the moment it plainly helps (a traveler has just posted and is
// about to wait for an answer), never when the browser can't, the person already said no
// to the browser (a denied permission is final until they change it themselves), or they
// declined our own card recently.

export const DECLINE_QUIET_MS = 7 * 24 * 60 * 60 * 1000;

export interface PushOfferInput {
  supported: boolean;
  permission: NotificationPermission | "unsupported";
  subscribed: boolean;
  declinedAt: number | null;
  now: number;
}

export function shouldOfferPush(p: PushOfferInput): boolean {
  if (!p.supported || p.subscribed) return false;
  if (p.permission === "denied" || p.permission === "unsupported") return false;
  if (p.declinedAt !== null && p.now - p.declinedAt < DECLINE_QUIET_MS) return false;
  return true;
}
