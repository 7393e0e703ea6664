// Boot: the shell (top bar, connection banner, live alerts, tab bar), routing, and the
// app-wide real-time handlers (banners, sounds, unread counts, points).

import "./styles.css";
import { dismiss, mountAlerts, showBanner, shownKeys } from "./alerts";
import { api, ApiError } from "./api";
import {
  appState,
  askedQuestions,
  loadAskedQuestions,
  loadMyQuestions,
  myQuestions,
  realtime,
  refreshMe,
  refreshUnreadNotifications,
} from "./app";
import { h, replaceChildren } from "./dom";
import { watchPosition } from "./geo";
import { icon, type IconName } from "./icons";
import { regionName } from "./hotspots";
import { formatDistance, initLang, lang, onLangChange, t, type Key } from "./i18n";
import { adoptAccountLang, languageMenu, syncLanguageMenu } from "./language";
import { registerServiceWorker } from "./push";
import { currentRoute, navigate, onRoute, roomPath, startRouter, type Route } from "./router";
import { session } from "./session";
import { SidePane } from "./wide";
import type {
  AnswerNotification,
  NewAnswerEvent,
  NewFollowUpEvent,
  NewQuestionNotification,
  NotificationEvent,
} from "./types";
import { askView } from "./views/ask";
import { authView } from "./views/auth";
import { homeView, setHomeRadius } from "./views/home";
import { landingView } from "./views/landing";
import { forgotView, resetView } from "./views/reset";
import { notFoundView, questionMissing } from "./views/missing";
import { pushOfferCard } from "./views/pushoffer";
import { notificationsView } from "./views/notifications";
import { profileView } from "./views/profile";
import { publicProfileView } from "./views/publicprofile";
import { roomView } from "./views/room";
import { settingsView } from "./views/settings";
import type { View } from "./views/view";

const root = document.getElementById("app");
if (!root) throw new Error("#app is missing");

let view: View | null = null;
let firstRender = true;
// A language change rebuilds the side pane too (its texts are built once).
let langChanged = false;
let stopGeo: (() => void) | null = null;

// ---- shell ----------------------------------------------------------------------------

const main = h("main", { id: "main", tabindex: "-1" });
const alerts = h("section", { class: "alerts", "aria-label": t("alertsRegion"), "data-testid": "alerts" });
const connBanner = h("div", { class: "conn-banner", "data-testid": "conn-banner", hidden: true });
const pointsChip = h("a", { href: "/profile", class: "points-chip", "data-testid": "my-points" });
const connDot = h("span", { class: "conn-dot", "data-testid": "conn-state", role: "img" });
const langMenu = languageMenu("lang-menu");
const tabbar = h("nav", { class: "tabbar" });
const topbar = h(
  "header",
  { class: "topbar" },
  h("a", { href: "/", class: "brand" }, icon("orange", 26), h("span", { class: "brand-name" })),
  h("div", { class: "topbar-right" }, connDot, pointsChip, langMenu),
);
const skip = h("a", { class: "skip-link", href: "#main" });
skip.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
const side = h("aside", { class: "side-pane", "data-testid": "side-pane" });
const sidePane = new SidePane(side, homeView);
sidePane.watch(currentRoute);
replaceChildren(root, skip, topbar, connBanner, alerts, h("div", { class: "panes" }, side, main), tabbar);
mountAlerts(alerts);

const TABS: { path: string; route: Route["name"]; icon: IconName; label: Key }[] = [
  { path: "/", route: "home", icon: "home", label: "navHome" },
  { path: "/ask", route: "ask", icon: "ask", label: "navAsk" },
  { path: "/notifications", route: "notifications", icon: "bell", label: "navNotifications" },
  { path: "/settings", route: "settings", icon: "settings", label: "navSettings" },
  { path: "/profile", route: "profile", icon: "user", label: "navProfile" },
];

function renderChrome(): void {
  document.documentElement.lang = lang();
  (topbar.querySelector(".brand-name") as HTMLElement).textContent = t("appName");
  skip.textContent = t("skipToContent");
  syncLanguageMenu(langMenu);
  alerts.setAttribute("aria-label", t("alertsRegion"));
  tabbar.setAttribute("aria-label", t("mainNavigation"));
  const user = session.user;
  pointsChip.hidden = !user;
  connDot.hidden = !user;
  pointsChip.textContent = user ? t("pointsValue", { points: user.points }) : "";
  pointsChip.setAttribute("aria-label", user ? `${t("points")} ${t("pointsValue", { points: user.points })}` : "");
  tabbar.hidden = !user;
  const active = currentRoute().name;
  const unread = appState.get().unreadNotifications + askedQuestions().unreadCount;
  replaceChildren(
    tabbar,
    TABS.map((tab) =>
      h(
        "a",
        {
          href: tab.path,
          class: "tab",
          "aria-current": tab.route === active ? "page" : undefined,
          "data-testid": `tab-${tab.route}`,
        },
        icon(tab.icon),
        h("span", { class: "tab-label" }, t(tab.label)),
        tab.route === "notifications" && unread > 0
          ? h("span", { class: "count", "data-testid": "notification-count", "aria-label": `${unread}` }, String(unread))
          : null,
      ),
    ),
  );
  renderConnection();
}

function renderConnection(): void {
  const { link, linkAttempt, linkDelayMs } = appState.get();
  connDot.dataset.state = link;
  connDot.setAttribute(
    "aria-label",
    link === "online" ? t("connOnline") : link === "offline" ? t("connOffline") : t("connConnecting"),
  );
  connDot.title = connDot.getAttribute("aria-label") ?? "";
  connBanner.dataset.state = link;
  if (!session.user || link === "online" || link === "connecting") {
    connBanner.hidden = true;
    return;
  }
  connBanner.hidden = false;
  connBanner.setAttribute("role", link === "offline" ? "alert" : "status");
  if (link === "reconnecting") {
    replaceChildren(
      connBanner,
      h(
        "span",
        {},
        t("connReconnecting", {
          delay: Math.round((linkDelayMs ?? 0) / 1000),
          attempt: linkAttempt,
          max: realtime.maxTries,
        }),
      ),
    );
  } else {
    replaceChildren(
      connBanner,
      h("span", {}, t("connOffline")),
      h(
        "span",
        { class: "conn-next", "data-testid": "conn-retrying" },
        t("connRetrying", { delay: Math.round((linkDelayMs ?? 0) / 1000) }),
      ),
      h(
        "button",
        { type: "button", class: "button small", "data-testid": "conn-retry", onclick: () => realtime.retryNow() },
        t("connRetry"),
      ),
    );
  }
}

// ---- routing --------------------------------------------------------------------------

/** Pages open without an account: sign-in, the landing page at "/", the 404 page. */
function needsLogin(route: Route): boolean {
  return !["login", "signup", "forgot", "reset", "home", "notFound"].includes(route.name);
}

function isAuthPage(route: Route): boolean {
  return ["login", "signup", "forgot", "reset"].includes(route.name);
}

function logout(): void {
  realtime.stop();
  stopGeo?.();
  stopGeo = null;
  session.signOut();
  navigate("/login", true);
}

function build(route: Route): View {
  switch (route.name) {
    case "login":
    case "signup":
      return authView(route.name);
    case "forgot":
      return forgotView();
    case "reset":
      return resetView();
    case "home":
      return session.user ? homeView() : landingView();
    case "ask":
      return askView();
    case "room":
      return roomView(route.questionId);
    case "person":
      return publicProfileView(route.userId);
    case "notifications":
      return notificationsView();
    case "settings":
      return settingsView();
    case "profile":
      return profileView(logout);
    case "notFound":
      return notFoundView();
  }
}

function render(route: Route): void {
  if (needsLogin(route) && !session.user) {
    navigate("/login", true);
    return;
  }
  if (isAuthPage(route) && session.user) {
    navigate("/", true);
    return;
  }
  view?.destroy?.();
  view = build(route);
  replaceChildren(main, view.el);
  sidePane.update(route, langChanged);
  langChanged = false;
  document.title = `${view.title} · ${t("appName")}`;
  renderChrome();
  side.setAttribute("aria-label", t("homeTitle"));
  if (!firstRender) {
    const heading = main.querySelector<HTMLElement>("h1");
    (heading ?? main).focus();
    window.scrollTo(0, 0);
  }
  firstRender = false;
}

// ---- real time ------------------------------------------------------------------------

realtime.onState((state, info) => {
  appState.set({ link: state, linkAttempt: info.attempt, linkDelayMs: info.nextDelayMs });
});
appState.subscribe((state, previous) => {
  if (
    state.link !== previous.link ||
    state.linkAttempt !== previous.linkAttempt ||
    state.linkDelayMs !== previous.linkDelayMs ||
    state.unreadNotifications !== previous.unreadNotifications
  ) {
    renderChrome();
  }
});
realtime.onConnect(() => void refreshUnreadNotifications());

realtime.onDurable<NewQuestionNotification>("new_question_notification", (event, meta) => {
  // Kept under 알림 whatever happens to the banner; a new device's old history is filed as read.
  askedQuestions().record(event, meta.silent);
  if (meta.silent) return;
  const q = event.question;
  const urgent = q.urgency === "urgent";
  const where = [
    event.distanceMeters !== null ? t("away", { distance: formatDistance(event.distanceMeters) }) : null,
    regionName(q.regionCode),
    q.hashtags.map((tag) => `#${tag}`).join(" "),
  ]
    .filter(Boolean)
    .join(" · ");
  showBanner({
    key: `question-${q.id}`,
    kind: "question",
    title: urgent ? t("alertUrgentQuestion") : t("alertNewQuestion"),
    body: q.title,
    meta: where,
    urgent,
    href: roomPath(q.id),
    // The card stays until dismissed, opened or answered by someone (checked below).
    timeoutMs: null,
    // Sound and vibration for urgent questions only, and never for old news.
    sound: urgent && !meta.replayed ? event.sound : null,
    vibration: urgent && !meta.replayed ? event.vibration : null,
  });
});

realtime.onDurable<AnswerNotification>("answer_notification", (event, meta) => {
  const inRoom = realtime.openRoom === event.questionId;
  myQuestions().answerArrived(event.questionId, inRoom);
  if (inRoom || meta.silent) return;
  showBanner({
    key: `answer-${event.answer.id}`,
    kind: "answer",
    title: t("alertNewAnswer"),
    body: `${event.answer.user.nickname}: ${event.answer.preview}`,
    href: roomPath(event.questionId),
    sound: meta.replayed ? null : "normal",
    vibration: meta.replayed ? null : "light",
  });
});

realtime.onDurable<NewAnswerEvent>("new_answer", (event) => {
  // Outside the room the answer has reached this device: tell the author it was delivered.
  if (realtime.openRoom !== event.answer.questionId) {
    realtime.send("message_delivered", { questionId: event.answer.questionId, messageId: event.answer.id });
  }
});

realtime.onDurable<NewFollowUpEvent>("new_follow_up", (event, meta) => {
  const m = event.message;
  if (meta.silent || realtime.openRoom === m.questionId) return;
  showBanner({
    key: `follow-up-${m.id}`,
    kind: "info",
    title: t("alertFollowUp"),
    body: `${m.user.nickname}: ${m.content}`,
    href: roomPath(m.questionId),
  });
});

realtime.onDurable<NotificationEvent>("notification", (event, meta) => {
  if (!meta.silent) {
    appState.set({ unreadNotifications: appState.get().unreadNotifications + 1 });
  }
  if (event.type === "answer_accepted") void refreshMe();
  if (meta.silent) return;
  const questionId = typeof event.data.questionId === "string" ? event.data.questionId : null;
  const points = typeof event.data.points === "number" ? event.data.points : null;
  showBanner({
    key: `notification-${event.id}`,
    kind: "info",
    title: event.type === "answer_accepted" && points !== null ? t("alertAccepted", { points }) : event.title,
    body: event.message,
    href: questionId ? roomPath(questionId) : "/notifications",
    sound: meta.replayed ? null : event.sound === "urgent" ? "urgent" : null,
  });
});

// Question cards nobody needs any more: someone answered, or the asker closed or deleted it.
const QUESTION_CARD_CHECK_MS = 60_000;
window.setInterval(() => {
  for (const key of shownKeys()) {
    if (!key.startsWith("question-")) continue;
    const questionId = key.slice("question-".length);
    void api
      .question(questionId)
      .then((q) => {
        if (q.status !== "open" || q.answerCount > 0) dismiss(key);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && questionMissing(e.status, e.code)) dismiss(key);
      });
  }
}, QUESTION_CARD_CHECK_MS);

window.addEventListener("online", () => realtime.retryNow());
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && appState.get().link === "offline") realtime.retryNow();
});

// ---- session --------------------------------------------------------------------------

function startSession(): void {
  const user = session.user;
  if (!user) return;
  loadMyQuestions(user.id);
  loadAskedQuestions(user.id).subscribe(renderChrome);
  realtime.start(user.id);
  stopGeo?.();
  stopGeo = watchPosition(
    (position) => {
      appState.set({ position, positionError: null });
      realtime.setPosition(position);
    },
    (error) => appState.set({ positionError: error }),
  );
  void refreshMe();
  void api
    .settings()
    .then((settings) => setHomeRadius(settings.radiusMeters))
    .catch(() => undefined);
  void registerServiceWorker();
}

let sessionUserId = session.user?.id ?? null;
let wasVerified = session.user?.isLocalVerified ?? false;
session.subscribe((user) => {
  renderChrome();
  // Just verified as a local (seen on the profile's refresh): the moment to offer push.
  const verified = user?.isLocalVerified ?? false;
  if (user && verified && !wasVerified && user.id === sessionUserId) {
    void pushOfferCard("verified").then((card) => {
      if (card) alerts.prepend(card);
    });
  }
  wasVerified = verified;
  if (user && user.id !== sessionUserId) {
    sessionUserId = user.id;
    adoptAccountLang(user);
    startSession();
  } else if (!user && sessionUserId) {
    sessionUserId = null;
    realtime.stop();
    stopGeo?.();
    stopGeo = null;
    navigate("/login", true);
  }
});

onLangChange(() => {
  langChanged = true;
  render(currentRoute());
});
onRoute(render);

// ---- boot -----------------------------------------------------------------------------

initLang(localStorage);
session.load();
sessionUserId = session.user?.id ?? null;
startRouter();
startSession();
render(currentRoute());
