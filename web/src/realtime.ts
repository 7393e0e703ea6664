// The Socket.IO link: own reconnection (1 s doubling, 5 tries, then every 30–60 s for as
// long as the page is open), and on every (re)connect: re-send the position, rejoin the
// open room, sync missed durable events.

import { io, type Socket } from "socket.io-client";
import { refreshTokens } from "./api";
import { Reconnector, type LinkState, MAX_TRIES } from "./state/backoff";
import { EventLedger, type KeyValueStore } from "./state/ledger";
import { session } from "./session";
import type { Ack, LatLng, RoomView, UnreadMessages } from "./types";

export const DURABLE_EVENTS = [
  "new_question_notification",
  "answer_notification",
  "new_answer",
  "new_follow_up",
  "answer_accepted",
  "notification",
] as const;
export type DurableEvent = (typeof DURABLE_EVENTS)[number];

export const LIVE_EVENTS = [
  "message_status",
  "user_typing",
  "user_stop_typing",
  "user_online",
  "user_offline",
  "nearby_questions_update",
  "answer_created",
  "question_created",
  "question_progress",
  "room_users",
  "question_updated",
  "question_deleted",
  "answer_hidden",
  "error",
] as const;
export type LiveEvent = (typeof LIVE_EVENTS)[number];

export interface DeliveryMeta {
  /** Came back through sync_unread_messages rather than live. */
  replayed: boolean;
  /** The first sync of this browser: old history, not news — no banners or sounds. */
  silent: boolean;
}

type DurableHandler = (payload: never, meta: DeliveryMeta) => void;
type LiveHandler = (payload: never) => void;
type StateListener = (state: LinkState, info: { attempt: number; nextDelayMs: number | null }) => void;

const ACK_TIMEOUT_MS = 10_000;
const SYNC_MAX_PAGES = 50;
const LOCATION_MIN_MOVE_M = 30;
const LOCATION_MIN_INTERVAL_MS = 15_000;

export interface Position extends LatLng {
  accuracy?: number;
}

function movedM(a: LatLng, b: LatLng): number {
  const dy = (a.lat - b.lat) * 111_320;
  const dx = (a.lng - b.lng) * 111_320 * Math.cos((a.lat * Math.PI) / 180);
  return Math.hypot(dx, dy);
}

export class Realtime {
  private socket: Socket | null = null;
  private ledger: EventLedger | null = null;
  private readonly reconnector: Reconnector;
  private roomId: string | null = null;
  private position: Position | null = null;
  private lastSent: { at: number; where: LatLng } | null = null;
  private syncing: Promise<void> | null = null;
  private readonly durable = new Map<string, Set<DurableHandler>>();
  private readonly live = new Map<string, Set<LiveHandler>>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly roomListeners = new Set<(view: RoomView) => void>();
  private readonly connectListeners = new Set<() => void>();
  private authRetried = false;

  constructor(private readonly store: KeyValueStore = localStorage) {
    this.reconnector = new Reconnector({
      connect: () => this.socket?.connect(),
      onState: (state, info) => {
        for (const listener of this.stateListeners) listener(state, info);
      },
    });
  }

  get state(): LinkState {
    return this.reconnector.state;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  get maxTries(): number {
    return MAX_TRIES;
  }

  /** Opens the link for the signed-in user. */
  start(userId: string): void {
    this.stop();
    this.ledger = new EventLedger(this.store, `dongne.lastEventId.${userId}`);
    const socket = io({
      autoConnect: false,
      reconnection: false, // the Reconnector decides (SPEC 7)
      auth: (cb) => cb({ token: session.accessToken }),
    });
    socket.on("connect", () => {
      this.authRetried = false;
      this.reconnector.connected();
      void this.restore();
    });
    socket.on("disconnect", (reason) => {
      if (reason === "io client disconnect") return;
      this.reconnector.dropped();
    });
    socket.on("connect_error", (error: Error & { data?: { code?: string } }) => {
      if (error.data?.code === "unauthenticated" && !this.authRetried) {
        this.authRetried = true;
        void refreshTokens().then((ok) => (ok ? this.reconnector.failed() : this.stop()));
        return;
      }
      this.reconnector.failed();
    });
    for (const event of DURABLE_EVENTS) {
      socket.on(event, (payload: { eventId?: number }) =>
        this.deliver(event, payload, { replayed: false, silent: false }),
      );
    }
    for (const event of LIVE_EVENTS) {
      socket.on(event, (payload: unknown) => {
        for (const handler of this.live.get(event) ?? []) (handler as (p: unknown) => void)(payload);
      });
    }
    this.socket = socket;
    this.reconnector.start();
  }

  stop(): void {
    this.reconnector.stop();
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
      this.socket = null;
    }
    this.lastSent = null;
  }

  /** The offline banner's button, or the browser's `online` event. */
  retryNow(): void {
    this.reconnector.retryNow();
  }

  onDurable<T>(event: DurableEvent, handler: (payload: T, meta: DeliveryMeta) => void): () => void {
    const set = this.durable.get(event) ?? new Set();
    set.add(handler as DurableHandler);
    this.durable.set(event, set);
    return () => set.delete(handler as DurableHandler);
  }

  onLive<T>(event: LiveEvent, handler: (payload: T) => void): () => void {
    const set = this.live.get(event) ?? new Set();
    set.add(handler as LiveHandler);
    this.live.set(event, set);
    return () => set.delete(handler as LiveHandler);
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onRoom(listener: (view: RoomView) => void): () => void {
    this.roomListeners.add(listener);
    return () => this.roomListeners.delete(listener);
  }

  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  /** Emits with an acknowledgement; refuses at once while disconnected (nothing is queued). */
  async request<T>(event: string, payload: unknown = {}): Promise<Ack<T>> {
    const socket = this.socket;
    if (!socket?.connected) {
      return { ok: false, error: { code: "offline", message: "not connected" } };
    }
    try {
      return (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as Ack<T>;
    } catch {
      return { ok: false, error: { code: "timeout", message: "no answer from the server" } };
    }
  }

  /** Fire and forget, dropped while disconnected (typing signals, receipts). */
  send(event: string, payload: unknown): void {
    if (this.socket?.connected) this.socket.emit(event, payload);
  }

  /** The room on screen: joined now and again after every reconnect. */
  async joinRoom(questionId: string): Promise<Ack<RoomView>> {
    this.roomId = questionId;
    const ack = await this.request<RoomView>("join_question", { questionId });
    if (ack.ok && this.roomId === questionId) this.announceRoom(ack);
    return ack;
  }

  leaveRoom(questionId: string): void {
    if (this.roomId === questionId) this.roomId = null;
    this.send("leave_question", { questionId });
  }

  get openRoom(): string | null {
    return this.roomId;
  }

  /** The user's live position; sent now (if it moved enough) and on every reconnect. */
  setPosition(position: Position): void {
    this.position = position;
    const now = Date.now();
    const last = this.lastSent;
    if (
      last &&
      now - last.at < LOCATION_MIN_INTERVAL_MS &&
      movedM(last.where, position) < LOCATION_MIN_MOVE_M
    ) {
      return;
    }
    void this.sendPosition();
  }

  private async sendPosition(): Promise<void> {
    const position = this.position;
    if (!position || !this.connected) return;
    this.lastSent = { at: Date.now(), where: { lat: position.lat, lng: position.lng } };
    const payload: Record<string, number> = { lat: position.lat, lng: position.lng };
    if (position.accuracy !== undefined && position.accuracy <= 100_000) {
      payload.accuracy = Math.round(position.accuracy);
    }
    await this.request("update_location", payload);
  }

  private async restore(): Promise<void> {
    this.lastSent = null;
    await this.sendPosition();
    if (this.roomId) {
      const questionId = this.roomId;
      const ack = await this.request<RoomView>("join_question", { questionId });
      if (ack.ok && this.roomId === questionId) this.announceRoom(ack);
    }
    await this.sync();
    for (const listener of this.connectListeners) listener();
  }

  private announceRoom(view: RoomView): void {
    for (const listener of this.roomListeners) listener(view);
  }

  /** Every durable event after the last one handled, page by page. */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      const ledger = this.ledger;
      if (!ledger) return;
      const silent = !ledger.hasBaseline;
      let last = ledger.lastEventId;
      for (let page = 0; page < SYNC_MAX_PAGES; page += 1) {
        const ack = await this.request<UnreadMessages>(
          "sync_unread_messages",
          last === null ? {} : { lastEventId: last },
        );
        if (!ack.ok) return;
        for (const event of ack.events) {
          this.deliver(event.type, event.payload, { replayed: true, silent });
        }
        if (!ack.hasMore) {
          ledger.synced(ack.lastEventId);
          return;
        }
        last = ack.lastEventId;
      }
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private deliver(event: string, payload: { eventId?: unknown }, meta: DeliveryMeta): void {
    if (this.ledger && !this.ledger.accept(payload.eventId)) return; // seen already
    for (const handler of this.durable.get(event) ?? []) {
      (handler as (p: unknown, m: DeliveryMeta) => void)(payload, meta);
    }
  }
}


