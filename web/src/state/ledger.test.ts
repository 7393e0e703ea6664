import { describe, expect, it } from "vitest";
import { EventLedger, MemoryStore } from "./ledger";

const KEY = "dongne.lastEventId.u1";

describe("EventLedger", () => {
  it("accepts each eventId once", () => {
    const ledger = new EventLedger(new MemoryStore(), KEY);
    ledger.synced(null);
    expect(ledger.accept(1)).toBe(true);
    expect(ledger.accept(1)).toBe(false);
    expect(ledger.accept(2)).toBe(true);
    expect(ledger.lastEventId).toBe(2);
  });

  it("drops what a sync replays after the same events came live", () => {
    const ledger = new EventLedger(new MemoryStore(), KEY);
    ledger.synced(10);
    // live while the sync was in flight
    expect(ledger.accept(12)).toBe(true);
    expect(ledger.lastEventId).toBe(10); // 11 not seen yet: resume point stays
    // the sync's page: 11 is new, 12 is a duplicate
    expect(ledger.accept(11)).toBe(true);
    expect(ledger.accept(12)).toBe(false);
    expect(ledger.lastEventId).toBe(12);
  });

  it("keeps the resume point across reloads", () => {
    const store = new MemoryStore();
    const first = new EventLedger(store, KEY);
    first.synced(null);
    for (const id of [1, 2, 3]) first.accept(id);
    const reloaded = new EventLedger(store, KEY);
    expect(reloaded.lastEventId).toBe(3);
    expect(reloaded.hasBaseline).toBe(true);
    expect(reloaded.accept(3)).toBe(false);
    expect(reloaded.accept(4)).toBe(true);
  });

  it("has no baseline before the first sync, and gets one from it", () => {
    const ledger = new EventLedger(new MemoryStore(), KEY);
    expect(ledger.hasBaseline).toBe(false);
    expect(ledger.lastEventId).toBeNull();
    expect(ledger.accept(5)).toBe(true);
    ledger.synced(7);
    expect(ledger.lastEventId).toBe(7);
    expect(ledger.accept(5)).toBe(false);
    expect(ledger.accept(6)).toBe(false);
    expect(ledger.accept(8)).toBe(true);
  });

  it("a full sync closes gaps that will never be filled", () => {
    const ledger = new EventLedger(new MemoryStore(), KEY);
    ledger.synced(0);
    ledger.accept(1);
    ledger.accept(4); // 2 and 3 were pruned on the server
    expect(ledger.lastEventId).toBe(1);
    ledger.synced(4);
    expect(ledger.lastEventId).toBe(4);
    expect(ledger.accept(3)).toBe(false);
  });

  it("an empty sync with no events yet still sets a baseline of 0", () => {
    const store = new MemoryStore();
    const ledger = new EventLedger(store, KEY);
    ledger.synced(null);
    expect(ledger.lastEventId).toBe(0);
    expect(store.getItem(KEY)).toBe("0");
  });

  it("never moves the resume point backwards", () => {
    const ledger = new EventLedger(new MemoryStore(), KEY);
    ledger.synced(9);
    ledger.synced(3);
    expect(ledger.lastEventId).toBe(9);
  });

  it("lets events without an eventId through", () => {
    const ledger = new EventLedger(new MemoryStore(), KEY);
    expect(ledger.accept(undefined)).toBe(true);
    expect(ledger.accept(undefined)).toBe(true);
  });

  it("ignores a damaged stored value", () => {
    const store = new MemoryStore();
    store.setItem(KEY, "not a number");
    expect(new EventLedger(store, KEY).lastEventId).toBeNull();
  });
});
