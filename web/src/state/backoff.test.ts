import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelays, Reconnector, slowDelay, type LinkState } from "./backoff";

describe("backoffDelays", () => {
  it("starts at 1 s and doubles for 5 tries", () => {
    expect(backoffDelays()).toEqual([1000, 2000, 4000, 8000, 16000]);
  });
});

describe("Reconnector", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(random?: () => number) {
    const connect = vi.fn();
    const states: { state: LinkState; attempt: number; nextDelayMs: number | null }[] = [];
    const r = new Reconnector({
      connect,
      onState: (state, info) => states.push({ state, ...info }),
      random,
    });
    return { r, connect, states };
  }

  it("connects at once on start and goes online", () => {
    const { r, connect } = setup();
    r.start();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(r.state).toBe("connecting");
    r.connected();
    expect(r.state).toBe("online");
  });

  it("retries after 1, 2, 4, 8, 16 s, then never gives up: every 30–60 s while the page is open", () => {
    const { r, connect, states } = setup(() => 0.5);
    r.start();
    r.connected();
    connect.mockClear();

    r.dropped();
    const waits = [1000, 2000, 4000, 8000, 16000];
    for (const [n, wait] of waits.entries()) {
      expect(r.state).toBe("reconnecting");
      expect(states.at(-1)).toEqual({ state: "reconnecting", attempt: n + 1, nextDelayMs: wait });
      vi.advanceTimersByTime(wait - 1);
      expect(connect).toHaveBeenCalledTimes(n);
      vi.advanceTimersByTime(1);
      expect(connect).toHaveBeenCalledTimes(n + 1);
      r.failed();
    }
    // An hour of failures: still trying, 45 s apart (the draw 0.5 of 30–60 s).
    expect(r.state).toBe("offline");
    for (let n = 0; n < 80; n += 1) {
      expect(states.at(-1)?.nextDelayMs).toBe(45_000);
      vi.advanceTimersByTime(44_999);
      expect(connect).toHaveBeenCalledTimes(5 + n);
      vi.advanceTimersByTime(1);
      expect(connect).toHaveBeenCalledTimes(6 + n);
      r.failed();
    }
    r.connected();
    expect(r.state).toBe("online");
  });

  it("keeps slow retries between 30 and 60 s", () => {
    expect(slowDelay(0)).toBe(30_000);
    expect(slowDelay(0.999999)).toBeLessThanOrEqual(60_000);
    expect(slowDelay(2)).toBe(60_000);
  });

  it("starts a fresh round of tries after a successful reconnect", () => {
    const { r, connect } = setup();
    r.start();
    r.connected();
    r.dropped();
    vi.advanceTimersByTime(1000);
    r.failed();
    vi.advanceTimersByTime(2000);
    r.connected();
    expect(r.state).toBe("online");
    connect.mockClear();

    r.dropped();
    vi.advanceTimersByTime(999);
    expect(connect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it("retryNow from offline tries at once with a new round", () => {
    const { r, connect } = setup();
    r.start();
    for (let i = 0; i < 5; i += 1) {
      r.failed();
      vi.runOnlyPendingTimers();
    }
    r.failed();
    expect(r.state).toBe("offline");
    connect.mockClear();
    r.retryNow();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(r.state).toBe("connecting");
    r.failed();
    expect(r.state).toBe("reconnecting");
    vi.advanceTimersByTime(1000);
    expect(connect).toHaveBeenCalledTimes(2);
  });

  it("never opens two attempts at once", () => {
    const { r, connect } = setup();
    r.start();
    r.retryNow(); // still in flight: ignored
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it("does nothing after stop", () => {
    const { r, connect } = setup();
    r.start();
    r.connected();
    r.stop();
    r.dropped();
    vi.advanceTimersByTime(60_000);
    expect(connect).toHaveBeenCalledTimes(1);
  });
});
