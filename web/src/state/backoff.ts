// Reconnection schedule (SPEC 7): 1 s, doubling, 5 tries; then "offline", but never given up
// while the page is open: a try every 30–60 s (a phone on a mountain road may say "online"
// while nothing gets through, so the browser's `online` event is not to be waited for).

export const BASE_DELAY_MS = 1_000;
export const MAX_TRIES = 5;
/** The slow retries after the fast round: uniformly between these, so phones don't march in step. */
export const SLOW_MIN_MS = 30_000;
export const SLOW_MAX_MS = 60_000;

/** The delays of one reconnection round: [1000, 2000, 4000, 8000, 16000]. */
export function backoffDelays(baseMs = BASE_DELAY_MS, tries = MAX_TRIES): number[] {
  return Array.from({ length: tries }, (_, n) => baseMs * 2 ** n);
}

export type LinkState = "connecting" | "online" | "reconnecting" | "offline";

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ReconnectorOptions {
  /** Opens the connection once; the owner reports back with connected() or failed(). */
  connect: () => void;
  onState?: (state: LinkState, info: { attempt: number; nextDelayMs: number | null }) => void;
  baseMs?: number;
  maxTries?: number;
  timers?: Timers;
  /** In [0, 1): where in 30–60 s the next slow retry falls. */
  random?: () => number;
}

/** The wait before a slow retry, for a random draw in [0, 1). */
export function slowDelay(draw: number): number {
  const clamped = Math.min(Math.max(draw, 0), 1);
  return Math.round(SLOW_MIN_MS + (SLOW_MAX_MS - SLOW_MIN_MS) * clamped);
}

/**
 * Decides when to try again. It knows nothing of sockets: the owner calls
 * start() once, connected() on success, dropped() when an open link goes down,
 * failed() when an attempt fails, retryNow() from the offline banner's button.
 */
export class Reconnector {
  private readonly delays: number[];
  private readonly timers: Timers;
  private attempt = 0; // tries made in the current round (0 = none yet)
  private timer: unknown = null;
  private inFlight = false;
  private stopped = false;
  state: LinkState = "connecting";

  constructor(private readonly options: ReconnectorOptions) {
    this.delays = backoffDelays(options.baseMs, options.maxTries);
    this.timers = options.timers ?? realTimers;
  }

  get tries(): number {
    return this.attempt;
  }

  start(): void {
    this.stopped = false;
    this.attempt = 0;
    this.set("connecting", null);
    this.open();
  }

  connected(): void {
    this.cancel();
    this.inFlight = false;
    this.attempt = 0;
    this.set("online", null);
  }

  /** An established connection went down (not by our own choice). */
  dropped(): void {
    if (this.stopped) return;
    this.inFlight = false;
    this.attempt = 0;
    this.scheduleNext();
  }

  /** A connection attempt failed (connect_error or timeout). */
  failed(): void {
    if (this.stopped) return;
    this.inFlight = false;
    this.scheduleNext();
  }

  /** The user pressed "retry" (or the browser came back online): a fresh round, now. */
  retryNow(): void {
    if (this.stopped || this.state === "online") return;
    this.cancel();
    this.attempt = 0;
    this.set("connecting", null);
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
    this.inFlight = false;
  }

  private scheduleNext(): void {
    this.cancel();
    const fast = this.delays[this.attempt];
    this.attempt += 1;
    const delay = fast ?? slowDelay((this.options.random ?? Math.random)());
    this.set(fast === undefined ? "offline" : "reconnecting", delay);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
  }

  private open(): void {
    if (this.inFlight || this.stopped) return;
    this.inFlight = true;
    this.options.connect();
  }

  private cancel(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private set(state: LinkState, nextDelayMs: number | null): void {
    this.state = state;
    this.options.onState?.(state, { attempt: this.attempt, nextDelayMs });
  }
}
