"""The asker edits their question until the first answer and can close it (issue [16]
item 4); the room hears of it; a closed question takes no answers."""

from __future__ import annotations

from tests.fixtures.clients import Api, connect
from tests.fixtures.jeju import question_payload


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
