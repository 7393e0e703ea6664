// Dongne load generator: many Socket.IO clients in ONE Node.js process (so every latency is
// measured with one clock, performance.now()), official socket.io-client, websocket only.
//
//   node loadgen.mjs --accounts accounts.json --url http://127.0.0.1:8000 --rate 20 \
//        --duration-s 60 --out result.json
//
// Phases: connect every account (bounded concurrency) -> every client sends update_location
// -> for --duration-s, askers emit create_question at a fixed, open-loop rate (a question is
// sent when it is due, whatever happened to the earlier ones) while locals answer a share of
// their IMMEDIATE notifications and every client re-sends its position every
// --location-interval-s -> drain -> cutoff -> grace -> results.
//
// Measured: (a) create_question emit -> new_question_notification at each notified local
// (IMMEDIATE wave; QUICK separately, it is due 3 s after the question by design),
// (b) create_answer emit -> answer_notification at the asker, (c) update_location emit ->
// nearby_questions_update. Questions and answers are matched by a tag in their title /
// content ("[bench 12]", "[a34]"), so a notification that beats the ack is still matched.
// Progress goes to stderr as lines "@progress {json}"; the result document to --out.

import { readFileSync, writeFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import process from "node:process";
import { io } from "socket.io-client";

const DEFAULTS = {
  url: "http://127.0.0.1:8000",
  accounts: null,
  out: null,
  rate: 20, // questions per second, all askers together
  durationS: 60,
  answerShare: 0.2, // share of IMMEDIATE notifications a local answers
  answerDelayMinMs: 500,
  answerDelayMaxMs: 3000,
  locationIntervalS: 60, // every client re-sends its position this often during the load
  urgentShare: 0.1,
  connectConcurrency: 100,
  connectTimeoutS: 20, // one connection
  connectPhaseTimeoutS: 300, // all of them
  locateConcurrency: 200,
  locatePhaseTimeoutS: 120,
  ackTimeoutS: 30,
  drainMinS: 5, // the QUICK wave of the last questions is due 3 s after them
  drainMaxS: 30,
  graceS: 5, // after the cutoff: late deliveries are still counted (clamped per question)
  seed: 1,
  progressMs: 500,
  // Loopback source addresses the clients connect from, in turn (empty: the system's
  // choice). Behind nginx, which picks a node by client address, they spread the clients.
  localAddresses: [],
};

// ---------------------------------------------------------------- arguments, helpers

function parseArgs(argv) {
  const config = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (key === "config") {
      Object.assign(config, JSON.parse(readFileSync(argv[++i], "utf8")));
      continue;
    }
    if (!(key in DEFAULTS)) throw new Error(`unknown option ${arg}`);
    const value = argv[++i];
    config[key] = typeof DEFAULTS[key] === "number" ? Number(value) : value;
  }
  if (!config.accounts) throw new Error("--accounts is required");
  return config;
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

class Samples {
  constructor() {
    this.data = new Float64Array(1024);
    this.n = 0;
  }
  add(value) {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = value;
  }
  stats() {
    if (this.n === 0) return { n: 0, p50: null, p95: null, p99: null, max: null, mean: null };
    const sorted = this.data.slice(0, this.n).sort();
    const at = (q) => sorted[Math.min(this.n - 1, Math.ceil(q * this.n) - 1)];
    let sum = 0;
    for (let i = 0; i < this.n; i += 1) sum += sorted[i];
    const r = (x) => Math.round(x * 100) / 100;
    return {
      n: this.n,
      p50: r(at(0.5)),
      p95: r(at(0.95)),
      p99: r(at(0.99)),
      max: r(sorted[this.n - 1]),
      mean: r(sum / this.n),
    };
  }
}

function bump(counter, key) {
  counter[key] = (counter[key] || 0) + 1;
}

function progress(phase, fields) {
  process.stderr.write(`@progress ${JSON.stringify({ phase, ...fields })}\n`);
}

async function pool(items, concurrency, worker, deadline) {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length && now() < deadline) {
      const item = items[next++];
      await worker(item);
    }
  });
  await Promise.all(runners);
}

// ---------------------------------------------------------------- state

const config = parseArgs(process.argv.slice(2));
const doc = JSON.parse(readFileSync(config.accounts, "utf8"));
const rng = mulberry32(config.seed);
const spots = doc.questionSpots;
const TAGS = ["맛집", "주차", "날씨", "교통", "카페", "해변", "오름", "시장"];
const TITLES = [
  "지금 매표소 열려 있나요?",
  "근처 무료 주차장 있나요?",
  "지금 비 오나요?",
  "버스 정류장 어디예요?",
  "줄 많이 서 있나요?",
];
// Phrases combined at random: the server's spam screening refuses an author's
// near-identical posts within an hour, and real questions differ too.
const PHRASES = [
  "현지 분들께 여쭤봐요.",
  "아이 둘이랑 같이 가요.",
  "렌터카 없이 버스로 움직여요.",
  "저녁 전에 도착할 것 같아요.",
  "비 소식이 있어서 걱정돼요.",
  "부모님 모시고 가는 길이에요.",
  "사진 찍기 좋은 곳도 궁금해요.",
  "혼자 여행 중이라 잘 몰라요.",
  "한 시간 정도 여유가 있어요.",
  "근처에 식당도 있으면 좋겠어요.",
  "유모차 가지고 가도 될까요?",
  "관광객이 많이 몰리는 시간인가요?",
  "first time in Jeju, thanks!",
  "we are a group of four.",
  "is it walkable from the port?",
  "any tips are welcome.",
];

function variedText(count) {
  const picked = new Set();
  while (picked.size < count) picked.add(PHRASES[Math.floor(rng() * PHRASES.length)]);
  return [...picked].join(" ");
}

const ANSWERS = [
  "네, 지금 열려 있어요. 줄은 10분 정도예요.",
  "해안도로 쪽 공영주차장이 무료예요.",
  "조금 흐리지만 비는 안 와요.",
  "편의점 앞에 정류장이 있어요.",
];

const clients = doc.accounts.map((account, index) => ({
  index,
  account,
  socket: null,
  connected: false,
  lastEventId: 0,
  seenEventIds: new Set(),
  locationPendingAt: null, // performance.now() of the outstanding update_location
  locationPhase: null,
  nextLocationAt: 0,
}));

const result = {
  config: { ...config, users: clients.length, accountsFile: config.accounts },
  ok: false,
  error: null,
  engineIo: { pingIntervalMs: null, pingTimeoutMs: null },
  connect: { attempted: 0, connected: 0, failed: 0, errors: {}, totalMs: null, latency: null },
  locationInitial: { sent: 0, acked: 0, received: 0, errors: {}, timeouts: 0, latency: null },
  load: { startedWallMs: null, endedWallMs: null, durationMs: null },
  questions: { planned: 0, sent: 0, acked: 0, failed: 0, timeouts: 0, errors: {}, ackLatency: null },
  notify: {},
  answers: { sent: 0, acked: 0, failed: 0, timeouts: 0, errors: {}, notified: 0, late: 0 },
  location: { sent: 0, skipped: 0, acked: 0, received: 0, errors: {}, timeouts: 0, latency: null },
  disconnects: { count: 0, reasons: {} },
  serverErrors: {},
  cutoffWallMs: null,
  perQuestion: [],
  client: {},
};

const lat = {
  connect: new Samples(),
  locationInitial: new Samples(),
  location: new Samples(),
  questionAck: new Samples(),
  answer: new Samples(),
  wave: { IMMEDIATE: new Samples(), QUICK: new Samples(), EXTENDED: new Samples(), FINAL: new Samples() },
};
const waveCounts = { IMMEDIATE: 0, QUICK: 0, EXTENDED: 0, FINAL: 0, other: 0 };
// The same eventId twice (must be 0), and a new one below the highest already seen: with
// two nodes order holds per node only, and the client's ledger takes such a one as new.
let duplicates = 0;
let reordered = 0;
let unmatched = 0;

const questions = []; // seq -> {t0, id, counts}
const answers = []; // seq -> {t0, id, notified}
let phase = "connect";
let answering = false;
let counting = true; // false after the grace period
let afterCutoff = false;
let pendingAnswerTimers = 0;
let pendingQuestionAcks = 0;
let pendingAnswerAcks = 0;
let lastDeliveryAt = now();

const WAVES = ["IMMEDIATE", "QUICK", "EXTENDED", "FINAL"];
// IMMEDIATE latency per window of question emit time: stable, or a growing backlog?
const TIMELINE_MS = 5000;
const timeline = [];
let loadStart = null;
const QUESTION_TAG = /^\[bench (\d+)\]/;
const ANSWER_TAG = /^\[a(\d+)\]/;

// ---------------------------------------------------------------- event handlers

function onNotification(client, payload) {
  if (!counting) return;
  const t = now();
  lastDeliveryAt = t;
  if (typeof payload?.eventId === "number") {
    if (client.seenEventIds.has(payload.eventId)) duplicates += 1;
    else {
      client.seenEventIds.add(payload.eventId);
      if (payload.eventId < client.lastEventId) reordered += 1;
      else client.lastEventId = payload.eventId;
    }
  }
  const match = QUESTION_TAG.exec(payload?.question?.title ?? "");
  const q = match ? questions[Number(match[1])] : undefined;
  if (!q) {
    unmatched += 1;
    return;
  }
  if (!q.id && payload.question.id) q.id = payload.question.id;
  const wave = WAVES.includes(payload.priority) ? payload.priority : "other";
  waveCounts[wave] += 1;
  if (wave === "other") return;
  q.counts[WAVES.indexOf(wave)] += 1;
  if (!afterCutoff) {
    lat.wave[wave].add(t - q.t0);
    if (wave === "IMMEDIATE" && q.window !== null) {
      (timeline[q.window] ??= new Samples()).add(t - q.t0);
    }
  }
  if (wave === "IMMEDIATE" && answering && rng() < config.answerShare) {
    scheduleAnswer(client, payload.question.id, q);
  }
}

function onAnswerNotification(payload) {
  if (!counting) return;
  const t = now();
  lastDeliveryAt = t;
  const match = ANSWER_TAG.exec(payload?.answer?.preview ?? "");
  const a = match ? answers[Number(match[1])] : undefined;
  if (!a) {
    unmatched += 1;
    return;
  }
  if (a.notified) {
    duplicates += 1;
    return;
  }
  a.notified = true;
  result.answers.notified += 1;
  if (afterCutoff) result.answers.late += 1;
  else lat.answer.add(t - a.t0);
}

function onNearby(client) {
  if (client.locationPendingAt === null) return;
  const t = now();
  const target = client.locationPhase === "initial" ? result.locationInitial : result.location;
  const samples = client.locationPhase === "initial" ? lat.locationInitial : lat.location;
  target.received += 1;
  samples.add(t - client.locationPendingAt);
  client.locationPendingAt = null;
}

function attach(client, socket) {
  socket.on("new_question_notification", (p) => onNotification(client, p));
  socket.on("answer_notification", (p) => onAnswerNotification(p));
  socket.on("nearby_questions_update", () => onNearby(client));
  socket.on("error", (p) => bump(result.serverErrors, `${p?.event}:${p?.code}`));
  socket.on("disconnect", (reason) => {
    client.connected = false;
    if (phase === "done") return;
    result.disconnects.count += 1;
    bump(result.disconnects.reasons, `${phase}:${reason}`);
  });
}

// ---------------------------------------------------------------- actions

function connectOne(client) {
  return new Promise((resolve) => {
    result.connect.attempted += 1;
    const t0 = now();
    const socket = io(config.url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      timeout: config.connectTimeoutS * 1000,
      auth: { token: client.account.token },
      localAddress: sourceAddress(client),
    });
    client.socket = socket;
    attach(client, socket);
    const done = (error) => {
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
      if (error) {
        result.connect.failed += 1;
        bump(result.connect.errors, error);
        socket.close();
      }
      resolve();
    };
    const onConnect = () => {
      client.connected = true;
      result.connect.connected += 1;
      lat.connect.add(now() - t0);
      if (result.engineIo.pingIntervalMs === null && socket.io.engine) {
        result.engineIo.pingIntervalMs = socket.io.engine._pingInterval ?? null;
        result.engineIo.pingTimeoutMs = socket.io.engine._pingTimeout ?? null;
      }
      done(null);
    };
    const onError = (err) => done(String(err?.message ?? err));
    socket.on("connect", onConnect);
    socket.on("connect_error", onError);
  });
}

function sourceAddress(client) {
  const addresses = config.localAddresses;
  return addresses.length ? addresses[client.index % addresses.length] : undefined;
}

function jitter(value, meters) {
  return value + ((rng() - 0.5) * 2 * meters) / 111_195;
}

function sendLocation(client, kind) {
  const target = kind === "initial" ? result.locationInitial : result.location;
  if (!client.connected) return Promise.resolve();
  if (client.locationPendingAt !== null) {
    target.skipped = (target.skipped || 0) + 1;
    return Promise.resolve();
  }
  const moving = kind === "initial" ? 0 : 50; // a phone that moved a little
  const payload = {
    lat: jitter(client.account.lat, moving),
    lng: jitter(client.account.lng, moving),
    accuracy: 20,
  };
  return new Promise((resolve) => {
    target.sent += 1;
    client.locationPhase = kind;
    client.locationPendingAt = now();
    client.socket.timeout(config.ackTimeoutS * 1000).emit("update_location", payload, (err, ack) => {
      if (err) {
        target.timeouts += 1;
        client.locationPendingAt = null;
      } else if (ack?.ok) {
        target.acked += 1;
      } else {
        bump(target.errors, ack?.error?.code ?? "unknown");
        client.locationPendingAt = null;
      }
      resolve();
    });
  });
}

let askerCursor = 0;
function emitQuestion(askers) {
  const seq = questions.length;
  let asker = null;
  for (let tries = 0; tries < askers.length; tries += 1) {
    const candidate = askers[askerCursor++ % askers.length];
    if (candidate.connected) {
      asker = candidate;
      break;
    }
  }
  if (asker === null) {
    questions.push(null);
    return;
  }
  const [qlat, qlng] = spots[Math.floor(rng() * spots.length)];
  const tags = [TAGS[Math.floor(rng() * TAGS.length)]];
  const payload = {
    title: `[bench ${seq}] ${TITLES[seq % TITLES.length]}`,
    content: `벤치마크 질문 (bench question): ${variedText(3)}`,
    location: { lat: qlat, lng: qlng },
    hashtags: tags,
    urgency: rng() < config.urgentShare ? "urgent" : "normal",
  };
  const t0 = now();
  const window = loadStart === null ? null : Math.floor((t0 - loadStart) / TIMELINE_MS);
  const q = { t0, window, id: null, counts: [0, 0, 0, 0] };
  questions.push(q);
  result.questions.sent += 1;
  pendingQuestionAcks += 1;
  asker.socket.timeout(config.ackTimeoutS * 1000).emit("create_question", payload, (err, ack) => {
    pendingQuestionAcks -= 1;
    if (err) {
      result.questions.timeouts += 1;
    } else if (ack?.ok) {
      result.questions.acked += 1;
      q.id = ack.question?.id ?? q.id;
      lat.questionAck.add(now() - q.t0);
    } else {
      result.questions.failed += 1;
      bump(result.questions.errors, ack?.error?.code ?? "unknown");
    }
  });
}

function scheduleAnswer(client, questionId, q) {
  const delay =
    config.answerDelayMinMs + rng() * (config.answerDelayMaxMs - config.answerDelayMinMs);
  pendingAnswerTimers += 1;
  setTimeout(() => {
    pendingAnswerTimers -= 1;
    if (!answering || !client.connected) return;
    const seq = answers.length;
    const a = { t0: now(), id: null, notified: false, q };
    answers.push(a);
    result.answers.sent += 1;
    pendingAnswerAcks += 1;
    const answer = ANSWERS[seq % ANSWERS.length];
    const payload = { questionId, content: `[a${seq}] ${answer} ${variedText(2)}` };
    client.socket.timeout(config.ackTimeoutS * 1000).emit("create_answer", payload, (err, ack) => {
      pendingAnswerAcks -= 1;
      if (err) result.answers.timeouts += 1;
      else if (ack?.ok) {
        result.answers.acked += 1;
        a.id = ack.answer?.id ?? null;
      } else {
        result.answers.failed += 1;
        bump(result.answers.errors, ack?.error?.code ?? "unknown");
      }
    });
  }, delay);
}

// ---------------------------------------------------------------- phases

async function connectAll() {
  phase = "connect";
  const t0 = now();
  const ticker = setInterval(
    () =>
      progress("connect", {
        done: result.connect.connected + result.connect.failed,
        total: clients.length,
        failed: result.connect.failed,
      }),
    config.progressMs,
  );
  await pool(clients, config.connectConcurrency, connectOne, t0 + config.connectPhaseTimeoutS * 1000);
  clearInterval(ticker);
  result.connect.totalMs = Math.round(now() - t0);
  progress("connect", { done: clients.length, total: clients.length, failed: result.connect.failed });
}

async function locateAll() {
  phase = "locate";
  const ticker = setInterval(
    () => progress("locate", { done: result.locationInitial.received, total: clients.length }),
    config.progressMs,
  );
  const deadline = now() + config.locatePhaseTimeoutS * 1000;
  await pool(clients, config.locateConcurrency, (c) => sendLocation(c, "initial"), deadline);
  while (clients.some((c) => c.locationPendingAt !== null) && now() < deadline) await sleep(50);
  clearInterval(ticker);
  for (const c of clients) c.locationPendingAt = null;
  progress("locate", { done: clients.length, total: clients.length });
}

async function runLoad() {
  phase = "load";
  answering = true;
  const askers = clients.filter((c) => c.account.role === "asker" && c.connected);
  const durationMs = config.durationS * 1000;
  const start = now();
  loadStart = start;
  result.load.startedWallMs = Date.now();
  const intervalMs = config.locationIntervalS * 1000;
  for (const c of clients) c.nextLocationAt = start + rng() * intervalMs;
  // Sorted by due time once; each sent client moves one interval on, i.e. to the end of the
  // cycle, so a cursor walking the ring stays in due order.
  const ring = clients.filter((c) => c.connected).sort((x, y) => x.nextLocationAt - y.nextLocationAt);
  let cursor = 0;
  result.questions.planned = Math.floor(config.rate * config.durationS);
  let lastProgress = 0;
  while (true) {
    const t = now();
    const elapsed = t - start;
    if (elapsed >= durationMs) break;
    const due = Math.min(result.questions.planned, Math.floor((elapsed / 1000) * config.rate) + 1);
    while (questions.length < due) emitQuestion(askers);
    for (let sent = 0; ring.length > 0 && sent < ring.length; sent += 1) {
      const c = ring[cursor];
      if (c.nextLocationAt > t) break;
      c.nextLocationAt += intervalMs;
      cursor = (cursor + 1) % ring.length;
      sendLocation(c, "load");
    }
    if (t - lastProgress >= config.progressMs) {
      lastProgress = t;
      progress("load", {
        elapsedS: Math.round(elapsed / 100) / 10,
        durationS: config.durationS,
        questions: result.questions.sent,
        notified: waveCounts.IMMEDIATE,
        quick: waveCounts.QUICK,
        answers: result.answers.sent,
        connected: clients.filter((c) => c.connected).length,
      });
    }
    await sleep(2);
  }
  result.load.durationMs = Math.round(now() - start);
  result.load.endedWallMs = Date.now();
}

async function drain() {
  phase = "drain";
  answering = false;
  const start = now();
  while (true) {
    const t = now();
    const waited = t - start;
    const quiet =
      pendingQuestionAcks === 0 &&
      pendingAnswerAcks === 0 &&
      pendingAnswerTimers === 0 &&
      t - lastDeliveryAt > 1000 &&
      answers.every((a) => a.notified || a.id === null);
    progress("drain", { waitedS: Math.round(waited / 100) / 10, maxS: config.drainMaxS });
    if ((waited >= config.drainMinS * 1000 && quiet) || waited >= config.drainMaxS * 1000) break;
    await sleep(200);
  }
  result.cutoffWallMs = Date.now();
  afterCutoff = true;
  phase = "grace";
  progress("grace", {});
  await sleep(config.graceS * 1000);
  counting = false;
}

// ---------------------------------------------------------------- main

const LOOP_RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 1000);

async function main() {
  try {
    await connectAll();
    if (result.connect.connected === 0) throw new Error("no client could connect");
    await locateAll();
    loopDelay.enable();
    const cpu0 = process.cpuUsage();
    const t0 = now();
    await runLoad();
    const cpu = process.cpuUsage(cpu0);
    result.client.cpuPctLoad =
      Math.round(((cpu.user + cpu.system) / 1000 / (now() - t0)) * 1000) / 10;
    loopDelay.disable();
    await drain();
    result.ok = true;
  } catch (err) {
    result.error = String(err?.stack ?? err);
  }
  phase = "done";
  result.connect.latency = lat.connect.stats();
  result.locationInitial.latency = lat.locationInitial.stats();
  result.location.latency = lat.location.stats();
  result.questions.ackLatency = lat.questionAck.stats();
  result.answers.latency = lat.answer.stats();
  for (const wave of WAVES) {
    result.notify[wave] = { received: waveCounts[wave], latency: lat.wave[wave].stats() };
  }
  result.notify.other = waveCounts.other;
  result.notify.duplicates = duplicates;
  result.notify.reordered = reordered;
  result.notify.unmatched = unmatched;
  result.answers.missing = answers.filter((a) => a.id !== null && !a.notified).length;
  result.perQuestion = questions
    .map((q, seq) => (q ? [q.id, seq, ...q.counts] : null))
    .filter((row) => row !== null);
  result.timeline = {
    windowS: TIMELINE_MS / 1000,
    immediate: Array.from(timeline, (samples, i) => ({
      fromS: (i * TIMELINE_MS) / 1000,
      ...(samples ?? new Samples()).stats(),
    })),
  };
  // The histogram holds whole timer intervals (resolution + delay): keep the delay.
  const ms = (x) => Math.max(0, Math.round((x / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100);
  result.client.loopDelayMs = {
    p50: ms(loopDelay.percentile(50)),
    p99: ms(loopDelay.percentile(99)),
    max: ms(loopDelay.max),
  };
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  result.client.peakRssMB = Math.round(peakRss / 1048576);
  clearInterval(rssTimer);
  // Marks the end of the measured window: closing every socket at once is no part of it.
  progress("closing", {});
  for (const c of clients) c.socket?.close();
  const text = JSON.stringify(result);
  if (config.out) writeFileSync(config.out, text);
  else process.stdout.write(`${text}\n`);
  progress("done", { ok: result.ok });
  setTimeout(() => process.exit(result.ok ? 0 : 1), 100);
}

main();
