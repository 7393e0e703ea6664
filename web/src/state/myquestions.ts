// The user's own questions (ids, newest first) and their unseen answers, per user, kept
// across reloads. The server has no "my questions" list yet: the client remembers them.

import type { KeyValueStore } from "./ledger";

const MAX_KEPT = 50;

interface Saved {
  ids: string[];
  unread: Record<string, number>;
}

export class MyQuestions {
  private data: Saved;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly key: string,
  ) {
    this.data = { ids: [], unread: {} };
    try {
      const raw = store.getItem(key);
      if (raw) {
        const parsed = JSON.parse(raw) as Partial<Saved>;
        this.data = {
          ids: Array.isArray(parsed.ids) ? parsed.ids.filter((x) => typeof x === "string") : [],
          unread: typeof parsed.unread === "object" && parsed.unread ? parsed.unread : {},
        };
      }
    } catch {
      // a damaged entry starts afresh
    }
  }

  get ids(): readonly string[] {
    return this.data.ids;
  }

  unread(questionId: string): number {
    return this.data.unread[questionId] ?? 0;
  }

  get totalUnread(): number {
    return Object.values(this.data.unread).reduce((a, b) => a + b, 0);
  }

  /** A question the user asked (or one an answer notification told us is theirs). */
  remember(questionId: string): void {
    if (this.data.ids.includes(questionId)) return;
    this.data.ids = [questionId, ...this.data.ids].slice(0, MAX_KEPT);
    this.save();
  }

  /** A question deleted by its asker: out of the list, its unread answers with it. */
  forget(questionId: string): void {
    if (!this.data.ids.includes(questionId) && !(questionId in this.data.unread)) return;
    this.data.ids = this.data.ids.filter((id) => id !== questionId);
    delete this.data.unread[questionId];
    this.save();
  }

  /** A new answer the user has not seen (not counted while its room is open). */
  answerArrived(questionId: string, roomOpen: boolean): void {
    this.remember(questionId);
    if (roomOpen) return;
    this.data.unread[questionId] = this.unread(questionId) + 1;
    this.save();
  }

  seen(questionId: string): void {
    if (!(questionId in this.data.unread)) return;
    delete this.data.unread[questionId];
    this.save();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private save(): void {
    this.store.setItem(this.key, JSON.stringify(this.data));
    for (const listener of this.listeners) listener();
  }
}
