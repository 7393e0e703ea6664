"""The asker edits their question until the first answer and can close it (issue [16]
item 4); the room hears of it; a closed question takes no answers."""

from __future__ import annotations

from tests.fixtures.clients import Api, SocketClient, connect
from tests.fixtures.jeju import place, question_payload
from tests.fixtures.people import admin_headers

# A place of its own: the landing page lists a handful near a point.
SARYEONI = place("saryeoni_forest")


async def test_edit_until_the_first_answer_then_close(api: Api) -> None:
    asker, local = await api.register("고치는여행자"), await api.register("지켜보는주민")
    phone = await connect(api.server, asker.access_token)
    watcher = await connect(api.server, local.access_token)
    try:
        qid = (await phone.call("create_question", question_payload()))["question"]["id"]
        await watcher.call("join_question", {"questionId": qid})

        edited = await phone.call(
            "edit_question", {"questionId": qid, "title": "성산일출봉 매표소 몇 시까지 해요?"}
        )
        assert edited["ok"] is True, edited
        assert edited["question"]["title"] == "성산일출봉 매표소 몇 시까지 해요?"
        assert edited["question"]["content"] == question_payload()["content"]
        heard = await watcher.next("question_updated")
        assert heard["question"]["title"] == "성산일출봉 매표소 몇 시까지 해요?"
        auth = {"Authorization": f"Bearer {asker.access_token}"}
        page = (await api.http.get(f"/api/questions/{qid}", headers=auth)).json()
        assert page["title"] == "성산일출봉 매표소 몇 시까지 해요?"

        # Someone else's question, an empty title: refused, the link stays up.
        other = await watcher.call("edit_question", {"questionId": qid, "title": "내 거"})
        assert other["error"]["code"] == "forbidden"
        empty = await phone.call("edit_question", {"questionId": qid, "title": ""})
        assert empty["error"]["code"] == "invalid"

        answered = await watcher.call("create_answer", {"questionId": qid, "content": "18시요"})
        assert answered["ok"] is True
        late = await phone.call("edit_question", {"questionId": qid, "content": "바꿀래요"})
        assert late["ok"] is False
        assert late["error"]["code"] == "conflict"

        closed = await phone.call("close_question", {"questionId": qid})
        assert closed["ok"] is True, closed
        assert closed["question"]["status"] == "closed"
        assert (await watcher.next("question_updated"))["question"]["status"] == "closed"
        refused = await watcher.call("create_answer", {"questionId": qid, "content": "또요"})
        assert refused["error"]["code"] == "conflict"
        page = (await api.http.get(f"/api/questions/{qid}", headers=auth)).json()
        assert page["status"] == "closed"
        # Closing twice is harmless; only the asker may.
        assert (await phone.call("close_question", {"questionId": qid}))["ok"] is True
        assert (await watcher.call("close_question", {"questionId": qid}))["ok"] is False
    finally:
        await phone.close()
        await watcher.close()


async def test_an_operator_acts_on_reports(api: Api) -> None:
    asker, local = await api.register("광고꾼"), await api.register("신고자")
    phone = await connect(api.server, asker.access_token)
    try:
        spam = (await phone.call("create_question", question_payload(title="렌터카 싸게")))[
            "question"
        ]["id"]
        fine = (await phone.call("create_question", question_payload(title="우도 배 떠요?")))[
            "question"
        ]["id"]
    finally:
        await phone.close()
    reporter = api.auth(local)
    filed = []
    for target, reason in ((spam, "광고"), (fine, "잘못 누름")):
        response = await api.http.post(
            "/api/reports",
            headers=reporter,
            json={"targetType": "question", "targetId": target, "reason": reason},
        )
        filed.append(response.json()["id"])
    admin = await admin_headers(api.server)

    queue = "/api/admin/reports"
    closed = await api.http.post(
        f"{queue}/{filed[0]}/resolve", headers=admin, json={"action": "close_question"}
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["resolution"] == "question_closed"
    page = await api.http.get(f"/api/questions/{spam}", headers=api.auth(asker))
    assert page.json()["status"] == "closed"
    dismissed = await api.http.post(
        f"{queue}/{filed[1]}/resolve", headers=admin, json={"action": "dismiss"}
    )
    assert dismissed.json()["resolution"] == "dismissed"
    page = await api.http.get(f"/api/questions/{fine}", headers=api.auth(asker))
    assert page.json()["status"] == "open"
    # The asker is told why their question closed; a dismissed report tells them nothing.
    history = await api.http.get("/api/notifications", headers=api.auth(asker))
    told = [
        (n["type"], n["title"], n["message"], n["data"]["questionId"])
        for n in history.json()["notifications"]
        if n["type"] == "question_closed"
    ]
    assert told == [
        ("question_closed", "신고를 확인한 운영자가 질문을 닫았어요", "'렌터카 싸게'", spam)
    ]
    # Dealt with: out of the queue. Only admins act.
    left = {r["id"] for r in (await api.http.get(queue, headers=admin)).json()["reports"]}
    assert not left & set(filed)
    refused = await api.http.post(
        f"{queue}/{filed[1]}/resolve", headers=reporter, json={"action": "dismiss"}
    )
    assert refused.status_code == 403


async def test_an_operator_hides_a_reported_answer(api: Api) -> None:
    asker, spammer = await api.register("묻는여행자"), await api.register("광고주민")
    phone = await connect(api.server, asker.access_token)
    writer = await connect(api.server, spammer.access_token)
    try:
        title = "우도 가는 배 지금 떠요?"
        payload = question_payload(title=title, location=SARYEONI)
        qid = (await phone.call("create_question", payload))["question"]["id"]
        spam = await writer.call(
            "create_answer", {"questionId": qid, "content": "렌터카 반값! 010-1234-5678"}
        )
        fine = await writer.call("create_answer", {"questionId": qid, "content": "네 떠요"})
        spam_id, fine_id = spam["answer"]["id"], fine["answer"]["id"]
        await phone.call("join_question", {"questionId": qid})
        reports = {}
        for target_type, target in (("answer", spam_id), ("question", qid)):
            made = await api.http.post(
                "/api/reports",
                headers=api.auth(asker),
                json={"targetType": target_type, "targetId": target, "reason": "광고"},
            )
            reports[target_type] = made.json()["id"]
        admin = await admin_headers(api.server)

        def resolve(report: str) -> str:
            return f"/api/admin/reports/{reports[report]}/resolve"

        # The queue shows what was reported, and where.
        queue = (await api.http.get("/api/admin/reports", headers=admin)).json()["reports"]
        shown_to_operator = {
            r["targetType"]: (r["excerpt"], r["questionId"])
            for r in queue
            if r["id"] in reports.values()
        }
        assert shown_to_operator == {
            "answer": ("렌터카 반값! 010-1234-5678", qid),
            "question": (title, qid),
        }

        # An action that does not fit the target is refused and changes nothing.
        wrong = await api.http.post(
            resolve("question"), headers=admin, json={"action": "hide_answer"}
        )
        assert wrong.status_code == 422
        wrong = await api.http.post(
            resolve("answer"), headers=admin, json={"action": "close_question"}
        )
        assert wrong.status_code == 422

        hidden = await api.http.post(
            resolve("answer"), headers=admin, json={"action": "hide_answer"}
        )
        assert hidden.status_code == 200, hidden.text
        assert hidden.json()["resolution"] == "answer_hidden"
        assert await phone.next("answer_hidden") == {"questionId": qid, "answerId": spam_id}

        page = (await api.http.get(f"/api/questions/{qid}", headers=api.auth(asker))).json()
        shown = {a["id"]: (a["hidden"], a["content"]) for a in page["answers"]}
        assert shown == {spam_id: (True, ""), fine_id: (False, "네 떠요")}
        room = await phone.call("join_question", {"questionId": qid})
        in_room = {m["id"]: (m["hidden"], m["content"]) for m in room["messages"]}
        assert in_room[spam_id] == (True, "")
        refused = await phone.call("accept_answer", {"answerId": spam_id})
        assert refused["error"]["code"] == "not_found"
        told = await api.http.get("/api/notifications", headers=api.auth(spammer))
        [note] = [n for n in told.json()["notifications"] if n["type"] == "answer_hidden"]
        assert (note["title"], note["data"]["questionId"]) == (
            "신고를 확인한 운영자가 답변을 가렸어요",
            qid,
        )
        # The landing page offers the next answer, never the hidden one.
        public = await api.http.get("/api/public/answered", params=SARYEONI)
        [ours] = [q for q in public.json()["questions"] if q["id"] == qid]
        assert ours["topAnswer"]["id"] == fine_id
        assert (await phone.call("accept_answer", {"answerId": fine_id}))["ok"] is True
    finally:
        await phone.close()
        await writer.close()


async def test_a_hidden_answer_leaves_the_replay_and_the_askers_history(api: Api) -> None:
    # Sent before the operator acted: a device that syncs afterwards, and the asker's
    # history, must not bring the text back.
    asker = await api.register("다시읽는여행자")
    spammer, watcher_account = await api.register("또광고주민"), await api.register("구경주민")
    phone = await connect(api.server, asker.access_token)
    writer = await connect(api.server, spammer.access_token)
    watcher = await connect(api.server, watcher_account.access_token)
    try:
        title = "용머리해안 오늘 들어갈 수 있어요?"
        qid = (await phone.call("create_question", question_payload(title=title)))["question"]["id"]
        for member in (phone, watcher):
            await member.call("join_question", {"questionId": qid})
        spam = await writer.call("create_answer", {"questionId": qid, "content": "렌터카 반값!"})
        fine = await writer.call("create_answer", {"questionId": qid, "content": "오후엔 돼요"})
        spam_id, fine_id = spam["answer"]["id"], fine["answer"]["id"]

        async def replayed(client: SocketClient) -> dict[tuple[str, str], object]:
            """What the sync from the start says of each answer, by event type."""
            synced = await client.call("sync_unread_messages", {})
            said: dict[tuple[str, str], object] = {}
            for event in synced["events"]:
                payload = event["payload"]
                if event["type"] == "new_answer":
                    answer = payload["answer"]
                    said[("new_answer", answer["id"])] = (
                        answer["content"],
                        answer["hidden"],
                    )
                elif event["type"] == "answer_notification":
                    said[("answer_notification", payload["answer"]["id"])] = payload["answer"][
                        "preview"
                    ]
                elif payload.get("type") == "question_answered":
                    said[("notification", payload["data"]["answerId"])] = payload["message"]
            return said

        async def history() -> dict[str, str]:
            page = await api.http.get("/api/notifications", headers=api.auth(asker))
            return {
                n["data"]["answerId"]: n["message"]
                for n in page.json()["notifications"]
                if n["type"] == "question_answered"
            }

        quoted = f"'{title}': "
        assert await replayed(phone) == {
            ("new_answer", spam_id): ("렌터카 반값!", False),
            ("new_answer", fine_id): ("오후엔 돼요", False),
            ("answer_notification", spam_id): "렌터카 반값!",
            ("answer_notification", fine_id): "오후엔 돼요",
            ("notification", spam_id): quoted + "렌터카 반값!",
            ("notification", fine_id): quoted + "오후엔 돼요",
        }

        report = await api.http.post(
            "/api/reports",
            headers=api.auth(asker),
            json={"targetType": "answer", "targetId": spam_id, "reason": "광고"},
        )
        admin = await admin_headers(api.server)
        hidden = await api.http.post(
            f"/api/admin/reports/{report.json()['id']}/resolve",
            headers=admin,
            json={"action": "hide_answer"},
        )
        assert hidden.status_code == 200, hidden.text

        assert await replayed(phone) == {
            ("new_answer", spam_id): ("", True),
            ("new_answer", fine_id): ("오후엔 돼요", False),
            ("answer_notification", spam_id): "",
            ("answer_notification", fine_id): "오후엔 돼요",
            ("notification", spam_id): quoted + "운영자가 가린 답변이에요",
            ("notification", fine_id): quoted + "오후엔 돼요",
        }
        # The other member's copy shares its payload with the asker's: hidden there too.
        assert await replayed(watcher) == {
            ("new_answer", spam_id): ("", True),
            ("new_answer", fine_id): ("오후엔 돼요", False),
        }
        assert await history() == {
            spam_id: quoted + "운영자가 가린 답변이에요",
            fine_id: quoted + "오후엔 돼요",
        }
    finally:
        for client in (phone, writer, watcher):
            await client.close()
