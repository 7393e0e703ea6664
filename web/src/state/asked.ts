// The questions a local was asked about (`new_question_notification`, durable in the event
// log, so a reload or a new device gets them back through the sync), kept per user: the
// "나에게 온 질문" history under 알림 with an unread badge, newest first, with each one's state.

import type { NewQuestionNotification } from "../types";
import type { KeyValueStore } from "./ledger";

const MAX_KEPT = 100;

export type AskedState = "open" | "claimed" | "answered" | "closed";

export interface AskedQuestion {
  id: string;
  title: string;
  urgent: boolean;
  regionCode: string;
  hashtags: string[];
  distanceMeters: number | null;
  /** When the question was asked of this local (the question's own time if older events lack one). */
  askedAt: string;
  read: boolean;
  state: AskedState;
}

export class AskedQuestions {
  private items: AskedQuestion[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {
    try {
      const raw = store.getItem(key);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      if (Array.isArray(parsed)) {
        this.items = parsed.filter(
          (x): x is AskedQuestion => typeof x === "object" && x !== null && typeof (x as AskedQuestion).id === "string",
        );
      }
    } catch {
      // a damaged entry starts afresh; the event log will refill it
    }
  }

  /** Newest first. */
  list(): readonly AskedQuestion[] {
    return this.items;
  }

  /** Open ones first is the reader's business; this is "still worth answering". */
  open(): AskedQuestion[] {
    return this.items.filter((q) => q.state === "open" || q.state === "claimed");
  }

  get unreadCount(): number {
    return this.items.filter((q) => !q.read).length;
  }

  /** Records a notification; `seen` when it is old history (the first sync of a device). */
  record(event: NewQuestionNotification, seen = false): void {
    const q = event.question;
    const existing = this.items.find((x) => x.id === q.id);
    if (existing) return; // one entry per question, whichever round asked again
    const entry: AskedQuestion = {
      id: q.id,
      title: q.title,
      urgent: q.urgency === "urgent",
      regionCode: q.regionCode,
      hashtags: [...q.hashtags],
      distanceMeters: event.distanceMeters,
      askedAt: q.createdAt,
      read: seen,
      state: "open",
    };
    this.items = [entry, ...this.items]
      .sort((a, b) => Date.parse(b.askedAt) - Date.parse(a.askedAt))
      .slice(0, MAX_KEPT);
    this.save();
  }

  markRead(id: string): void {
    this.update(id, (q) => (q.read ? q : { ...q, read: true }));
  }

  markAllRead(): void {
    if (!this.items.some((q) => !q.read)) return;
    this.items = this.items.map((q) => (q.read ? q : { ...q, read: true }));
    this.save();
  }

  setState(id: string, state: AskedState): void {
    this.update(id, (q) => (q.state === state ? q : { ...q, state }));
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(id: string, change: (q: AskedQuestion) => AskedQuestion): void {
    let changed = false;
    this.items = this.items.map((q) => {
      if (q.id !== id) return q;
      const next = change(q);
      changed ||= next !== q;
      return next;
    });
    if (changed) this.save();
  }

  private save(): void {
    try {
      this.store.setItem(this.key, JSON.stringify(this.items));
    } catch {
      // storage full: kept in memory for this page
    }
    for (const listener of this.listeners) listener();
  }
}

/** A question's state as its page reports it (GET /api/questions/{id}). */
export function askedStateOf(q: { status: string; answerCount: number; progress?: unknown }): AskedState {
  if (q.status === "closed") return "closed";
  if (q.status !== "open" || q.answerCount > 0) return "answered";
  const claimed = (q.progress as { claimedBy?: unknown } | undefined)?.claimedBy;
  return claimed ? "claimed" : "open";
}
