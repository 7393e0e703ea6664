// Which settings a person sees: a local answers questions (who asks them, where, in which
// language, when not to disturb them); a traveler only hears back about their own questions.

import type { Channels, NotificationSettings, User } from "../types";
import { normalizeLanguages } from "./duty";

export type Section =
  | "onDuty"
  | "immediate"
  | "radius"
  | "interests"
  | "followedRegions"
  | "languages"
  | "muted"
  | "quiet"
  | "channels";

/** The sections for this person, in screen order. */
export function settingsSections(user: Pick<User, "role" | "isLocalVerified"> | null): Section[] {
  const answers = user?.role === "local" || user?.role === "admin";
  if (!answers) return ["channels", "quiet"];
  return [
    ...(user?.isLocalVerified ? (["onDuty"] as const) : []),
    "immediate",
    "radius",
    "interests",
    "followedRegions",
    "languages",
    "muted",
    "quiet",
    "channels",
  ];
}

/**
 * The push box is ticked only when the server may push *and* this browser holds a
 * subscription: a setting without a subscription reaches nobody.
 */
export function pushBoxChecked(channels: Channels, subscribed: boolean): boolean {
  return channels.push && subscribed;
}

/** The settings as loaded, with the [13] languages filled in for an older server. */
export function withDefaults(s: NotificationSettings): NotificationSettings {
  return { ...s, languages: normalizeLanguages(s.languages) };
}
