// The dashboard's Socket.IO link: joins the admin room on every (re)connect and hands the
// room's events to the page. socket.io-client reconnects by itself after network drops; a
// refusal by the server (expired token) is retried once with refreshed tokens.

import { io } from "socket.io-client";
import { refreshTokens } from "../api";
import { session } from "../session";
import type { HotspotUpdate, LocalsNeeded, MetricsUpdate, SlowResponseAlert } from "./types";

export type LinkState = "connecting" | "online" | "offline";

export interface AdminFeed {
  state(state: LinkState): void;
  /** join_admin was refused: the account is not (or no longer) an admin. */
  refused(): void;
  metrics(update: MetricsUpdate): void;
  slow(alert: SlowResponseAlert): void;
  localsNeeded(alert: LocalsNeeded): void;
  hotspot(update: HotspotUpdate): void;
}

type JoinAck = { ok: true } | { ok: false; error: { code: string; message: string } };

const ACK_TIMEOUT_MS = 10_000;

/** Opens the link; returns what closes it. */
export function connectAdmin(feed: AdminFeed): () => void {
  const socket = io({ auth: (cb) => cb({ token: session.accessToken }) });
  let retriedAuth = false;

  async function withFreshTokens(): Promise<void> {
    if (!retriedAuth && (await refreshTokens())) {
      retriedAuth = true;
      socket.connect();
    } else {
      feed.state("offline");
    }
  }

  feed.state("connecting");
  socket.on("connect", async () => {
    retriedAuth = false;
    let ack: JoinAck;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("join_admin", {})) as JoinAck;
    } catch {
      feed.state("offline");
      return;
    }
    if (ack.ok) {
      feed.state("online");
    } else if (ack.error.code === "forbidden") {
      feed.refused();
      socket.disconnect();
    } else {
      feed.state("offline");
    }
  });
  socket.on("disconnect", (reason) => {
    if (reason === "io client disconnect") return;
    feed.state(socket.active ? "connecting" : "offline");
    // The server closes a socket whose token expired; it does not come back by itself.
    if (reason === "io server disconnect") void withFreshTokens();
  });
  socket.on("connect_error", (error: Error & { data?: { code?: string } }) => {
    if (socket.active) {
      feed.state("connecting");
    } else if (error.data?.code === "unauthenticated") {
      void withFreshTokens();
    } else {
      feed.state("offline");
    }
  });
  socket.on("metrics-update", (update: MetricsUpdate) => feed.metrics(update));
  socket.on("slow_response_alert", (alert: SlowResponseAlert) => feed.slow(alert));
  socket.on("locals_needed", (alert: LocalsNeeded) => feed.localsNeeded(alert));
  socket.on("hotspot_update", (update: HotspotUpdate) => feed.hotspot(update));
  return () => {
    socket.removeAllListeners();
    socket.disconnect();
  };
}
