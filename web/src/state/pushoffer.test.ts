import { describe, expect, it } from "vitest";
import { DECLINE_QUIET_MS, shouldOfferPush } from "./pushoffer";

describe("asking for push at the right moment", () => {
  const base = { supported: true, permission: "default" as const, subscribed: false, declinedAt: null, now: 1_000_000_000 };

  it("offers it after posting when nothing is set up yet", () => {
    expect(shouldOfferPush(base)).toBe(true);
    expect(shouldOfferPush({ ...base, permission: "granted" })).toBe(true); // allowed, but no subscription
  });

  it("respects a denied permission and an existing subscription", () => {
    expect(shouldOfferPush({ ...base, permission: "denied" })).toBe(false);
    expect(shouldOfferPush({ ...base, subscribed: true })).toBe(false);
    expect(shouldOfferPush({ ...base, supported: false })).toBe(false);
  });

  it("stays quiet for a week after a 'not now'", () => {
    expect(shouldOfferPush({ ...base, declinedAt: base.now - 1000 })).toBe(false);
    expect(shouldOfferPush({ ...base, declinedAt: base.now - DECLINE_QUIET_MS - 1 })).toBe(true);
  });
});
