"""With the real job loop and clock, the first wave follows a question without any help."""

from __future__ import annotations

from tests.escalation.test_waves import SEONGSAN, offset
from tests.fixtures.clients import Api
from tests.fixtures.jeju import question_payload
from tests.fixtures.people import go_online, make_person


async def test_immediate_wave_arrives_on_its_own(api: Api) -> None:
    server = api.server
    asker = await make_person(server, "asker", local=False)
    local = await make_person(server, "local")
    await go_online(server, asker, *offset(SEONGSAN, 0, 30))
    await go_online(server, local, *offset(SEONGSAN, 700, 30))
    assert asker.socket is not None
    assert local.socket is not None
    try:
        ack = await asker.socket.call("create_question", question_payload())
        event = await local.socket.next("new_question_notification")
        assert event["question"]["id"] == ack["question"]["id"]
        assert event["priority"] == "IMMEDIATE"
        assert event["distanceMeters"] == 700
    finally:
        await asker.socket.close()
        await local.socket.close()
