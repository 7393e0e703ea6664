// Durable events carry a per-user increasing `eventId` (PROTOCOL.md). The ledger drops
// duplicates (a live event that also comes back through sync_unread_messages, or twice
// through two paths) and remembers, across reloads, the point to resume from.

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

const MAX_SEEN = 1_000;

export class EventLedger {
  /** Every id up to here was handled; null until the first sync with the server. */
  private watermark: number | null;
  /** Ids above the watermark handled out of order. */
  private readonly seen = new Set<number>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {
    const raw = store.getItem(key);
    const parsed = raw === null ? NaN : Number(raw);
    this.watermark = Number.isInteger(parsed) && parsed >= 0 ? parsed : null;
  }

  /** Where sync_unread_messages resumes from (its `lastEventId`), or null: never synced. */
  get lastEventId(): number | null {
    return this.watermark;
  }

  get hasBaseline(): boolean {
    return this.watermark !== null;
  }

  isDuplicate(eventId: number): boolean {
    return (this.watermark !== null && eventId <= this.watermark) || this.seen.has(eventId);
  }

  /** True the first time an id is offered: handle the event. False: drop it. */
  accept(eventId: unknown): boolean {
    if (typeof eventId !== "number" || !Number.isInteger(eventId) || eventId < 0) {
      // Not a durable event: nothing to de-duplicate on.
      return true;
    }
    if (this.isDuplicate(eventId)) return false;
    this.seen.add(eventId);
    this.advance();
    return true;
  }

  /**
   * A sync finished with nothing more to fetch: every event up to the server's
   * `lastEventId` has now been delivered to us, gaps included (pruned or never ours).
   */
  synced(serverLastEventId: number | null): void {
    const target = serverLastEventId ?? this.watermark ?? 0;
    if (this.watermark === null || target > this.watermark) {
      this.watermark = target;
    }
    for (const id of this.seen) {
      if (id <= this.watermark) this.seen.delete(id);
    }
    this.advance();
    this.persist();
  }

  reset(): void {
    this.watermark = null;
    this.seen.clear();
    this.store.removeItem(this.key);
  }

  private advance(): void {
    if (this.watermark !== null) {
      while (this.seen.has(this.watermark + 1)) {
        this.watermark += 1;
        this.seen.delete(this.watermark);
      }
    }
    if (this.seen.size > MAX_SEEN) {
      // Keep memory bounded: the oldest out-of-order ids are the least likely to repeat.
      const sorted = [...this.seen].sort((a, b) => a - b);
      for (const id of sorted.slice(0, sorted.length - MAX_SEEN)) this.seen.delete(id);
    }
    this.persist();
  }

  private persist(): void {
    if (this.watermark !== null) this.store.setItem(this.key, String(this.watermark));
  }
}
