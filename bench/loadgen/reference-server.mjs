// The reference of `make bench` on Node.js: a bare Socket.IO server doing only the fan-out,
// the twin of bench/reference/server.py (same plan.json, same ready-made payloads, same wave
// delays, same clients). It lives here to use this folder's node_modules (socket.io pinned).
//
//   node reference-server.mjs --plan plan.json --port 8124

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import process from "node:process";
import { Server } from "socket.io";

const args = process.argv.slice(2);
const option = (name) => args[args.indexOf(`--${name}`) + 1];
const plan = JSON.parse(readFileSync(option("plan"), "utf8"));
const port = Number(option("port"));
const userOfToken = new Map(plan.accounts.map((a) => [a.token, a.id]));
const lastEventId = new Map();
const QUESTION_TAG = /^\[bench (\d+)\]/;

const http = createServer((req, res) => {
  res.writeHead(req.url === "/ready" ? 200 : 404).end();
});
const io = new Server(http, { transports: ["websocket"], perMessageDeflate: false });

io.use((socket, next) => {
  const userId = userOfToken.get(socket.handshake.auth?.token);
  if (userId === undefined) return next(new Error("unknown token"));
  socket.data.userId = userId;
  next();
});

function fanOut(seq, questionId, title, wave) {
  const question = { ...plan.template.question, id: questionId, title };
  for (const userId of plan.questions[seq]?.[wave] ?? []) {
    const eventId = (lastEventId.get(userId) ?? 0) + 1;
    lastEventId.set(userId, eventId);
    const payload = { ...plan.template, eventId, priority: wave, question };
    io.to(`user:${userId}`).emit("new_question_notification", payload);
  }
}

io.on("connection", (socket) => {
  socket.join(`user:${socket.data.userId}`);
  socket.on("update_location", (_data, ack) => {
    socket.emit("nearby_questions_update", plan.nearby);
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("create_question", (data, ack) => {
    const title = String(data?.title ?? "");
    const seq = QUESTION_TAG.exec(title)?.[1] ?? "";
    const questionId = `ref-${seq}`;
    for (const [wave, delayS] of Object.entries(plan.waves)) {
      setTimeout(() => fanOut(seq, questionId, title, wave), delayS * 1000);
    }
    if (typeof ack === "function") ack({ ok: true, question: { id: questionId } });
  });
  socket.on("create_answer", (_data, ack) => {
    if (typeof ack === "function") ack({ ok: true, answer: { id: "ref-answer" } });
  });
});

http.listen(port, "127.0.0.1");
