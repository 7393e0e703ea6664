// The admin dashboard (/admin): a page of its own, so none of it ships in the traveler
// client's bundle. Sign-in is the client's (tokens in localStorage); the server decides
// who is an admin, here (GET /api/me, 403s) and on join_admin.

import "./admin.css";
import { ApiError, api, request, requestBlob } from "../api";
import { h, replaceChildren } from "../dom";
import { session } from "../session";
import {
  FIGURE_COLUMNS,
  alertText,
  areaName,
  barChart,
  formatRate,
  formatSeconds,
  formatShare,
  mergeArea,
  pushAlert,
  regionRows,
  seedAreas,
  summaryRows,
  type DashboardAlert,
  type TableRow,
} from "./format";
import { initLang, lang, setLang, t, type Key } from "./i18n";
import { connectAdmin, type LinkState } from "./live";
import type {
  AdminStats,
  Burden,
  HotspotUpdate,
  IpBlock,
  LocalApplication,
  MetricsUpdate,
  ReportItem,
  Stats,
  StatsWindow,
  WaitingQuestion,
  WaitingQuestions,
} from "./types";

const WINDOWS: { value: StatsWindow; label: Key }[] = [
  { value: "1h", label: "window1h" },
  { value: "24h", label: "window24h" },
  { value: "7d", label: "window7d" },
];
// The live feed carries the last hour's figures every second; longer windows are re-read.
const LIVE_WINDOW: StatsWindow = "1h";
const REFRESH_MS = 30_000;

const adminApi = {
  stats: (window: StatsWindow) => request<AdminStats>("GET", `/api/admin/stats?window=${window}`),
  waiting: () => request<WaitingQuestions>("GET", "/api/admin/questions/waiting"),
  blocks: () => request<{ blocks: IpBlock[] }>("GET", "/api/admin/ip-blocks"),
  reports: () => request<{ reports: ReportItem[] }>("GET", "/api/admin/reports"),
  resolveReport: (id: string, action: "dismiss" | "close_question" | "hide_answer") =>
    request<ReportItem>("POST", `/api/admin/reports/${encodeURIComponent(id)}/resolve`, { action }),
  applications: () =>
    request<{ applications: LocalApplication[] }>("GET", "/api/admin/local-applications"),
  document: (id: string) =>
    requestBlob(`/api/admin/local-applications/${encodeURIComponent(id)}/document`),
  decide: (id: string, approve: boolean, reason: string) =>
    request<LocalApplication>(
      "POST",
      `/api/admin/local-applications/${encodeURIComponent(id)}/decide`,
      { approve, reason },
    ),
  block: (cidr: string, reason: string) =>
    request<IpBlock>("POST", "/api/admin/ip-blocks", { cidr, reason }),
  unblock: (id: string) =>
    request<unknown>("DELETE", `/api/admin/ip-blocks/${encodeURIComponent(id)}`),
};

interface DashboardState {
  link: LinkState;
  window: StatsWindow;
  stats: Stats | null;
  burden: Burden | null;
  metrics: MetricsUpdate | null;
  waiting: WaitingQuestion[];
  alerts: DashboardAlert[];
  areas: HotspotUpdate[];
  blocks: IpBlock[];
  reports: ReportItem[];
  applications: LocalApplication[];
}

const state: DashboardState = {
  link: "connecting",
  window: LIVE_WINDOW,
  stats: null,
  burden: null,
  metrics: null,
  waiting: [],
  alerts: [],
  areas: [],
  blocks: [],
  reports: [],
  applications: [],
};

const root = document.getElementById("admin") as HTMLElement;
let closeLink: (() => void) | null = null;
// One list per read of GET /api/hotspots under way: the areas `hotspot_update` spoke of
// meanwhile, whose word is newer than the read's.
const heardDuringReads = new Set<HotspotUpdate[]>();
let refreshTimer: number | null = null;

// Section bodies, re-filled as data arrives.
const parts = {
  live: h("div", { class: "live-cards" }),
  link: h("span", { class: "link-state", role: "status", "data-testid": "link-state" }),
  summary: h("div", { class: "table-wrap", tabindex: "0" }),
  chart: h("figure", { class: "chart" }),
  regions: h("div", { class: "table-wrap", tabindex: "0" }),
  waiting: h("div", { class: "table-wrap", tabindex: "0", "data-testid": "waiting-list" }),
  alerts: h("ol", { class: "alerts", "data-testid": "alerts", "aria-live": "polite" }),
  areas: h("div", { class: "table-wrap", tabindex: "0", "data-testid": "hot-areas" }),
  blocks: h("div", { class: "table-wrap", tabindex: "0", "data-testid": "ip-blocks" }),
  reports: h("div", { class: "table-wrap", tabindex: "0", "data-testid": "reports" }),
  applications: h("div", { class: "table-wrap", tabindex: "0", "data-testid": "applications" }),
  notice: h("p", { class: "notice", role: "status", "aria-live": "polite", "data-testid": "notice" }),
};

function reportError(error: unknown): void {
  notify(t("errGeneric", { reason: error instanceof Error ? error.message : String(error) }), true);
}

function notify(text: string, isError = false): void {
  parts.notice.textContent = text;
  parts.notice.classList.toggle("error", isError);
}

// ---- page frames ---------------------------------------------------------------------

function header(): HTMLElement {
  const user = session.user;
  return h(
    "header",
    { class: "admin-top" },
    h("h1", {}, t("title")),
    h(
      "div",
      { class: "admin-top-right" },
      user?.role === "admin" ? parts.link : null,
      h(
        "button",
        {
          type: "button",
          class: "ghost",
          lang: lang() === "ko" ? "en" : "ko",
          onclick: () => {
            setLang(lang() === "ko" ? "en" : "ko", localStorage);
            render();
          },
        },
        t("languageToggle"),
      ),
      user
        ? h(
            "button",
            {
              type: "button",
              class: "ghost",
              "data-testid": "logout",
              onclick: () => {
                stopLive();
                session.signOut();
                render();
              },
            },
            `${user.nickname} · ${t("logout")}`,
          )
        : null,
    ),
  );
}

function loginView(): HTMLElement {
  const email = h("input", { type: "email", id: "admin-email", autocomplete: "email", required: true });
  const password = h("input", {
    type: "password",
    id: "admin-password",
    autocomplete: "current-password",
    required: true,
  });
  const error = h("p", { class: "notice error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary" }, t("loginButton"));
  return h(
    "form",
    {
      class: "card login",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        error.hidden = true;
        try {
          session.signedIn(await api.login(email.value.trim(), password.value));
          render();
        } catch (e) {
          error.textContent =
            e instanceof ApiError && e.status === 401
              ? t("errLogin")
              : t("errGeneric", { reason: e instanceof Error ? e.message : String(e) });
          error.hidden = false;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("h2", {}, t("loginTitle")),
    h("label", { for: "admin-email" }, t("email")),
    email,
    h("label", { for: "admin-password" }, t("password")),
    password,
    error,
    submit,
  );
}

function refusalView(): HTMLElement {
  return h(
    "section",
    { class: "card refusal", "data-testid": "admins-only" },
    h("h2", {}, t("adminsOnly")),
    h("p", {}, t("adminsOnlyHint", { nickname: session.user?.nickname ?? "" })),
    h(
      "p",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: () => {
            session.signOut();
            render();
          },
        },
        t("switchAccount"),
      ),
      h("a", { href: "/" }, t("toClient")),
    ),
  );
}

function section(id: string, title: Key, ...body: (Node | null)[]): HTMLElement {
  return h(
    "section",
    { class: `card ${id}`, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, t(title)),
    ...body,
  );
}

function dashboardView(): HTMLElement {
  const windowPicker = h(
    "fieldset",
    { class: "window-picker" },
    h("legend", { class: "visually-hidden" }, t("windowLabel")),
    ...WINDOWS.map(({ value, label }) =>
      h(
        "label",
        {},
        h("input", {
          type: "radio",
          name: "window",
          value,
          checked: state.window === value,
          "data-testid": `window-${value}`,
          onchange: () => void chooseWindow(value),
        }),
        t(label),
      ),
    ),
  );
  const blockCidr = h("input", {
    id: "block-cidr",
    required: true,
    maxlength: 64,
    placeholder: t("cidrPlaceholder"),
  });
  const blockReason = h("input", { id: "block-reason", maxlength: 300 });
  const blockForm = h(
    "form",
    {
      class: "inline-form",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const added = await adminApi.block(blockCidr.value.trim(), blockReason.value.trim());
          blockCidr.value = "";
          blockReason.value = "";
          notify(t("blockAdded", { cidr: added.cidr }));
          await loadBlocks();
        } catch (e) {
          reportError(e);
        }
      },
    },
    h("label", { for: "block-cidr" }, t("cidr")),
    blockCidr,
    h("label", { for: "block-reason" }, t("reason")),
    blockReason,
    h("button", { type: "submit", class: "primary" }, t("addBlock")),
  );
  return h(
    "div",
    { class: "dashboard" },
    parts.notice,
    // What needs a reaction now first; the figures below.
    section("live", "liveTitle", parts.live),
    section("waiting", "waitingTitle", parts.waiting),
    section("alerts-card", "alertsTitle", parts.alerts),
    section(
      "goal",
      "goalTitle",
      windowPicker,
      parts.summary,
      parts.chart,
      h("h3", {}, t("regionsTitle")),
      parts.regions,
    ),
    section("hot", "hotTitle", parts.areas),
    section("applications", "applicationsTitle", parts.applications),
    section("reports", "reportsTitle", parts.reports),
    section("blocks", "blocksTitle", blockForm, parts.blocks),
  );
}

// ---- section bodies --------------------------------------------------------------------

function table(headers: string[], rows: Node[], testId?: string): HTMLTableElement {
  return h(
    "table",
    { "data-testid": testId },
    h("thead", {}, h("tr", {}, ...headers.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, ...rows),
  );
}

function figureTable(first: Key, rows: TableRow[], testId: string): HTMLTableElement {
  return table(
    [t(first), ...FIGURE_COLUMNS.map((key) => t(key))],
    rows.map((row) =>
      h(
        "tr",
        { "data-key": row.key, "data-level": row.level },
        h("th", { scope: "row" }, row.label),
        ...row.cells.map((cell) => h("td", {}, cell)),
      ),
    ),
    testId,
  );
}

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderChart(stats: Stats): void {
  const chart = barChart(stats.regions, lang());
  const picture = svg("svg", {
    viewBox: `0 0 ${chart.width} ${chart.height}`,
    role: "img",
    "aria-labelledby": "chart-caption",
  });
  // The goal line: 90% within 10 minutes.
  const goalY = chart.plotHeight * 0.1;
  picture.append(
    svg("line", { x1: 0, x2: chart.width, y1: goalY, y2: goalY, class: "goal-line" }),
    svg("text", { x: chart.width, y: goalY - 4, class: "goal-label" }, "90%"),
    svg("line", { x1: 0, x2: chart.width, y1: chart.plotHeight, y2: chart.plotHeight, class: "axis" }),
  );
  for (const bar of chart.bars) {
    const group = svg("g", { "data-region": bar.code });
    const rect = svg("rect", {
      x: bar.x,
      y: bar.y,
      width: bar.width,
      height: bar.height,
      class: `bar ${bar.level}`,
    });
    rect.append(svg("title", {}, `${bar.label}: ${bar.value} (${t("questions")} ${bar.questions})`));
    const middle = bar.x + bar.width / 2;
    group.append(
      rect,
      svg(
        "text",
        { x: middle, y: Math.max(12, bar.y - 4), class: "bar-value" },
        bar.questions ? bar.value : "",
      ),
      svg("text", { x: middle, y: chart.plotHeight + 16, class: "bar-label" }, bar.label),
      svg("text", { x: middle, y: chart.plotHeight + 32, class: "bar-count" }, String(bar.questions)),
    );
    picture.append(group);
  }
  replaceChildren(parts.chart, picture, h("figcaption", { id: "chart-caption" }, t("chartTitle")));
}

function renderStats(): void {
  const stats = state.stats;
  if (!stats) return;
  replaceChildren(
    parts.summary,
    figureTable("group", summaryRows(stats), "summary-table"),
    burdenCards(state.burden),
  );
  renderChart(stats);
  replaceChildren(parts.regions, figureTable("region", regionRows(stats, lang()), "region-table"));
}

function perDay(value: number | null): string {
  return value === null ? "–" : value.toFixed(1);
}

/** Question notifications per local per day (on-duty locals apart), per question, the share
 * answered by the first round and locals who turned alerts off. */
function burdenCards(burden: Burden | null): HTMLElement | null {
  if (!burden) return null;
  return h(
    "div",
    { class: "live-cards", "data-testid": "burden" },
    card(
      t("burdenPerLocal"),
      `${perDay(burden.perLocalPerDayMedian)} / ${perDay(burden.perLocalPerDayP95)}`,
      "burden-per-local",
      t("burdenOnDuty", {
        count: String(burden.onDutyLocals),
        median: perDay(burden.onDutyPerDayMedian),
        p95: perDay(burden.onDutyPerDayP95),
      }),
    ),
    card(t("burdenPerQuestion"), perDay(burden.perQuestion), "burden-per-question"),
    card(t("burdenFirstRound"), formatShare(burden.answeredByFirstRound), "burden-first-round"),
    card(t("burdenAlertsOff"), String(burden.alertsOff), "burden-alerts-off"),
  );
}

function card(label: string, value: string, testId: string, detail?: string): HTMLElement {
  return h(
    "div",
    { class: "live-card" },
    h("span", { class: "live-label" }, label),
    h("strong", { "data-testid": testId }, value),
    detail ? h("span", { class: "live-detail" }, detail) : null,
  );
}

function renderLive(): void {
  const m = state.metrics;
  replaceChildren(
    parts.live,
    card(
      t("connectedUsers"),
      m ? String(m.connectedUsers) : t("none"),
      "live-users",
      m ? t("connectedSockets", { count: m.connectedSockets }) : undefined,
    ),
    card(t("eventRate"), m ? formatRate(m.eventsPerSecond) : t("none"), "live-events"),
    card(t("errorRate"), m ? formatRate(m.errorsPerSecond) : t("none"), "live-errors"),
  );
  parts.link.dataset.state = state.link;
  parts.link.textContent = t(
    state.link === "online" ? "linkOnline" : state.link === "connecting" ? "linkConnecting" : "linkOffline",
  );
}

function regionLabel(code: string): string {
  const region = state.stats?.regions.find((r) => r.code === code);
  return region ? (lang() === "en" ? region.nameEn : region.nameKo) : code;
}

function renderWaiting(): void {
  if (!state.waiting.length) {
    replaceChildren(parts.waiting, h("p", { class: "empty" }, t("waitingEmpty")));
    return;
  }
  replaceChildren(
    parts.waiting,
    table(
      [t("questions"), t("region"), t("waited")],
      state.waiting.map((q) =>
        h(
          "tr",
          { "data-testid": "waiting-row", "data-question-id": q.id, "data-urgency": q.urgency },
          h(
            "td",
            {},
            q.urgency === "urgent" ? h("span", { class: "badge urgent" }, t("urgentBadge")) : null,
            h("a", { href: `/q/${encodeURIComponent(q.id)}`, target: "_blank", rel: "noopener" }, q.title),
          ),
          h("td", {}, regionLabel(q.regionCode)),
          h("td", { class: "num" }, formatSeconds(q.waitedSeconds)),
        ),
      ),
    ),
  );
}

function renderAlerts(): void {
  if (!state.alerts.length) {
    replaceChildren(parts.alerts, h("li", { class: "empty" }, t("alertsEmpty")));
    return;
  }
  const regions = state.stats?.regions ?? [];
  replaceChildren(
    parts.alerts,
    ...state.alerts.map((entry) =>
      h(
        "li",
        { "data-testid": "alert", "data-kind": entry.kind, class: entry.kind },
        h("time", {}, new Date(entry.at).toLocaleTimeString(lang() === "en" ? "en" : "ko-KR")),
        h("span", {}, alertText(entry, regions, lang())),
        entry.kind === "slow"
          ? h(
              "a",
              { href: `/q/${encodeURIComponent(entry.alert.questionId)}`, target: "_blank", rel: "noopener" },
              t("alertOpen"),
            )
          : null,
      ),
    ),
  );
}

function renderAreas(): void {
  if (!state.areas.length) {
    replaceChildren(parts.areas, h("p", { class: "empty" }, t("hotEmpty")));
    return;
  }
  replaceChildren(
    parts.areas,
    table(
      [t("area"), t("questionsLast15m"), t("onlineLocals"), t("onlineTravelers")],
      state.areas.map((a) =>
        h(
          "tr",
          { "data-testid": "hot-area", "data-hot": String(a.hot) },
          h(
            "td",
            {},
            a.hot ? h("span", { class: "badge urgent" }, t("hot")) : null,
            `${areaName(a, lang())} (${t(a.kind === "hotspot" ? "kindHotspot" : "kindRegion")})`,
          ),
          h("td", { class: "num" }, String(a.questionsLast15m)),
          h("td", { class: "num" }, String(a.onlineLocals)),
          h("td", { class: "num" }, String(a.onlineTravelers)),
        ),
      ),
    ),
  );
}

/** A row's button: disabled while its action runs, failures shown in the notice line. */
function actionButton(label: string, className: string, action: () => Promise<void>): HTMLElement {
  const button = h("button", { type: "button", class: className }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await action();
    } catch (e) {
      reportError(e);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(lang() === "en" ? "en" : "ko-KR");
}

function renderBlocks(): void {
  if (!state.blocks.length) {
    replaceChildren(parts.blocks, h("p", { class: "empty" }, t("blocksEmpty")));
    return;
  }
  replaceChildren(
    parts.blocks,
    table(
      [t("cidr"), t("reason"), t("expires"), ""],
      state.blocks.map((block) =>
        h(
          "tr",
          { "data-testid": "ip-block", "data-block-id": block.id },
          h("td", {}, h("code", {}, block.cidr)),
          h("td", {}, block.reason || t("none")),
          h("td", {}, block.expiresAt ? formatDate(block.expiresAt) : t("never")),
          h(
            "td",
            {},
            actionButton(t("removeBlock"), "ghost small", async () => {
              await adminApi.unblock(block.id);
              notify(t("blockRemoved", { cidr: block.cidr }));
              await loadBlocks();
            }),
          ),
        ),
      ),
    ),
  );
}

/** The applicant's document photo, fetched with the admin's token (it has no public URL). */
function documentViewer(a: LocalApplication): HTMLElement {
  const holder = h("div", { class: "document", "data-testid": "application-document" });
  const show = actionButton(t("showDocument"), "ghost small", async () => {
    const url = URL.createObjectURL(await adminApi.document(a.id));
    const img = h("img", { src: url, alt: t("documentAlt", { nickname: a.nickname }) });
    // Once decoded the picture stays on screen; the blob need not outlive it.
    img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
    replaceChildren(holder, img);
  });
  holder.append(show);
  return holder;
}

/** Applicants only, with what they wrote and their record; approve, or decline with a reason. */
function renderApplications(): void {
  if (!state.applications.length) {
    replaceChildren(parts.applications, h("p", { class: "empty" }, t("applicationsEmpty")));
    return;
  }
  replaceChildren(
    parts.applications,
    table(
      [t("nickname"), t("applicationStatement"), t("applicationRecord"), ""],
      state.applications.map((a) => {
        const reason = h("input", { maxlength: 300, placeholder: t("declineReason"), "aria-label": t("declineReason") });
        const decide = (approve: boolean) => async (): Promise<void> => {
          await adminApi.decide(a.id, approve, reason.value.trim());
          notify(t(approve ? "applicationApproved" : "applicationDeclined", { nickname: a.nickname }));
          await loadApplications();
        };
        return h(
          "tr",
          { "data-testid": "application-row", "data-user-id": a.userId },
          h("td", {}, a.nickname),
          h("td", {}, a.statement, a.hasDocument ? documentViewer(a) : null),
          h(
            "td",
            {},
            t("applicationRecordValue", { answers: a.recentAnswers, days: a.recentAnswerDays }),
            h("br"),
            a.presenceAttested ? h("span", { class: "badge attested" }, t("presenceAttested")) : null,
            h("span", { "data-testid": "island-days" }, t("islandDays", { days: a.islandDays })),
          ),
          h(
            "td",
            {},
            actionButton(t("approve"), "primary small", decide(true)),
            reason,
            actionButton(t("decline"), "ghost small", decide(false)),
          ),
        );
      }),
    ),
  );
}

const REPORT_TARGET_LABEL = { question: "reportQuestion", answer: "reportAnswer", user: "reportUser" } as const;

/** The reported question (an answer's too) or person, opened in the client. */
function reportLink(report: ReportItem): HTMLElement | null {
  const open = (href: string, label: string): HTMLElement =>
    h("a", { href, target: "_blank", rel: "noopener" }, label);
  if (report.targetType === "user") return open(`/u/${encodeURIComponent(report.targetId)}`, t("reportOpenProfile"));
  return report.questionId ? open(`/q/${encodeURIComponent(report.questionId)}`, t("reportOpen")) : null;
}

/** What an operator can do about a reported question or answer besides dismissing it. */
const REPORT_ACTION = {
  question: { label: "reportCloseQuestion", action: "close_question", done: "reportQuestionClosed" },
  answer: { label: "reportHideAnswer", action: "hide_answer", done: "reportAnswerHidden" },
} as const;

function reportAction(report: ReportItem): HTMLElement | null {
  if (report.targetType === "user") return null;
  const { label, action, done } = REPORT_ACTION[report.targetType];
  return actionButton(t(label), "primary small", async () => {
    await adminApi.resolveReport(report.id, action);
    notify(t(done));
    await loadReports();
  });
}

function renderReports(): void {
  if (!state.reports.length) {
    replaceChildren(parts.reports, h("p", { class: "empty" }, t("reportsEmpty")));
    return;
  }
  replaceChildren(
    parts.reports,
    table(
      [t("reportWhen"), t("reportTarget"), t("reason"), ""],
      state.reports.map((report) =>
        h(
          "tr",
          { "data-testid": "report-row", "data-report-id": report.id },
          h("td", {}, formatDate(report.createdAt)),
          h(
            "td",
            {},
            t(REPORT_TARGET_LABEL[report.targetType]),
            report.excerpt ? h("q", { class: "excerpt", "data-testid": "report-excerpt" }, report.excerpt) : null,
          ),
          h("td", {}, report.reason),
          h(
            "td",
            {},
            reportLink(report),
            reportAction(report),
            actionButton(t("reportDismiss"), "ghost small", async () => {
              await adminApi.resolveReport(report.id, "dismiss");
              notify(t("reportDismissed"));
              await loadReports();
            }),
          ),
        ),
      ),
    ),
  );
}

function renderSections(): void {
  renderLive();
  renderStats();
  renderWaiting();
  renderAlerts();
  renderAreas();
  renderBlocks();
  renderReports();
  renderApplications();
}

// ---- data ------------------------------------------------------------------------------

async function loadStats(): Promise<void> {
  const window = state.window;
  const stats = await adminApi.stats(window);
  if (state.window !== window) return; // another window was picked meanwhile
  state.stats = stats;
  state.burden = stats.burden;
  renderStats();
  renderWaiting(); // region names
}

async function loadApplications(): Promise<void> {
  const next = (await adminApi.applications()).applications;
  // Redrawn only when the queue changed: a refresh must not wipe a decline reason being
  // typed or a document being looked at.
  if (JSON.stringify(next) === JSON.stringify(state.applications)) return;
  state.applications = next;
  renderApplications();
}

async function loadReports(): Promise<void> {
  state.reports = (await adminApi.reports()).reports;
  renderReports();
}

async function loadBlocks(): Promise<void> {
  state.blocks = (await adminApi.blocks()).blocks;
  renderBlocks();
}

/** Hot hotspots as the server has them now (the live feed only says what changes). */
async function loadAreas(): Promise<void> {
  const heard: HotspotUpdate[] = [];
  heardDuringReads.add(heard);
  try {
    const { hotspots } = await api.hotspots();
    state.areas = seedAreas(state.areas, hotspots, heard);
    renderAreas();
  } finally {
    heardDuringReads.delete(heard);
  }
}

async function chooseWindow(window: StatsWindow): Promise<void> {
  state.window = window;
  try {
    await loadStats();
  } catch (e) {
    reportError(e);
  }
}

async function loadAll(): Promise<void> {
  const [waiting] = await Promise.all([
    adminApi.waiting(),
    loadStats(),
    loadBlocks(),
    loadReports(),
    loadApplications(),
  ]);
  state.waiting = waiting.questions;
  renderWaiting();
}

function startLive(): void {
  stopLive();
  closeLink = connectAdmin({
    state: (link) => {
      state.link = link;
      renderLive();
      // Joined, first or again: what turned hot before, or while the link was down, is
      // read now that no update can slip by unheard.
      if (link === "online") loadAreas().catch(reportError);
    },
    refused: () => {
      stopLive();
      showRefusal();
    },
    metrics: (update) => {
      state.metrics = update;
      state.waiting = update.waiting;
      if (state.window === LIVE_WINDOW) {
        state.stats = update.stats;
        renderStats();
      }
      renderLive();
      renderWaiting();
    },
    slow: (alert) => {
      state.alerts = pushAlert(state.alerts, { kind: "slow", at: Date.now(), alert });
      renderAlerts();
    },
    localsNeeded: (alert) => {
      state.alerts = pushAlert(state.alerts, { kind: "localsNeeded", at: Date.now(), alert });
      renderAlerts();
    },
    hotspot: (update) => {
      for (const heard of heardDuringReads) heard.push(update);
      state.areas = mergeArea(state.areas, update);
      renderAreas();
    },
  });
  refreshTimer = window.setInterval(() => {
    const calls: Promise<unknown>[] = [loadApplications(), loadReports(), loadBlocks()];
    if (state.window !== LIVE_WINDOW) calls.push(loadStats());
    Promise.all(calls).catch(reportError);
  }, REFRESH_MS);
}

function stopLive(): void {
  closeLink?.();
  closeLink = null;
  if (refreshTimer !== null) window.clearInterval(refreshTimer);
  refreshTimer = null;
}

function showRefusal(): void {
  replaceChildren(root, header(), h("main", { id: "admin-main" }, refusalView()));
}

// ---- start -----------------------------------------------------------------------------

/** Draws the page for whoever is signed in; opens the live link for an admin. */
function render(): void {
  document.documentElement.lang = lang();
  document.title = t("title");
  const user = session.user;
  if (!user) {
    replaceChildren(root, header(), h("main", { id: "admin-main" }, loginView()));
    return;
  }
  if (user.role !== "admin") {
    showRefusal();
    return;
  }
  replaceChildren(root, header(), h("main", { id: "admin-main" }, dashboardView()));
  renderSections();
  if (closeLink === null) {
    startLive();
    loadAll().catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 403) {
        stopLive();
        showRefusal();
      } else {
        reportError(e);
      }
    });
  }
}

async function start(): Promise<void> {
  initLang(localStorage);
  session.load();
  if (session.user) {
    // The role on file may be stale: the server's word decides.
    try {
      session.updateUser(await api.me());
    } catch {
      // signed out by a refused refresh, or offline: render() shows what we know
    }
  }
  session.subscribe((user) => {
    if (!user) {
      stopLive();
      render();
    }
  });
  render();
}

void start();
