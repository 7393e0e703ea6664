"""Bad payloads get a clear error, change nothing and leave the connection up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.clients import Api, SocketClient, connect
from tests.fixtures.db import row_counts
from tests.fixtures.jeju import SEOUL, question_payload

EVENTS = [
    "create_question",
    "join_question",
    "leave_question",
    "create_answer",
    "accept_answer",
    "mark_notification_read",
    "update_location",
    "typing_start",
    "typing_stop",
    "message_delivered",
    "message_read",
    "sync_unread_messages",
    "authenticate",
]


@pytest.fixture
async def asker(api: Api) -> AsyncIterator[SocketClient]:
    account = await api.register()
    client = await connect(api.server, account.access_token)
    yield client
    await client.close()


BAD_QUESTIONS: list[tuple[str, Any, str]] = [
    ("missing-title", {k: v for k, v in question_payload().items() if k != "title"}, "title"),
    ("missing-location", {k: v for k, v in question_payload().items() if k != "location"}, ""),
    ("title-wrong-type", question_payload(title=123), "title"),
    ("content-1001", question_payload(content="가" * 1001), "content"),
    ("blank-content", question_payload(content="   \u0000 "), "content"),
    ("six-hashtags", question_payload(hashtags=["a", "b", "c", "d", "e", "f"]), "해시태그"),
    ("empty-hashtag", question_payload(hashtags=["#"]), "해시태그"),
    ("urgency", question_payload(urgency="very"), "urgency"),
    ("latitude-range", question_payload(location={"lat": 123, "lng": 126.5}), "lat"),
    ("nan", question_payload(location={"lat": float("nan"), "lng": 126.5}), "lat"),
    ("outside-jeju", question_payload(location=SEOUL), "Jeju"),
    ("unknown-field", question_payload(isAdmin=True), "isAdmin"),
    ("unknown-image", question_payload(imageIds=["01jxxxxxxxxxxxxxxxxxxxxxxx"]), "Image"),
    ("not-an-object", ["title"], ""),
    ("string", "hello", ""),
]


@pytest.mark.parametrize(
    ("name", "payload", "mentions"), BAD_QUESTIONS, ids=[c[0] for c in BAD_QUESTIONS]
)
async def test_bad_question_is_refused_and_writes_nothing(
    api: Api, asker: SocketClient, name: str, payload: Any, mentions: str
) -> None:
    before = await row_counts(api.server)
    ack = await asker.call("create_question", payload)
    assert ack["ok"] is False, name
    error = ack["error"]
    assert error["code"] in {"invalid", "not_found"}
    assert mentions in error["message"]
    event = await asker.next("error")
    assert event == {**error, "event": "create_question"}
    assert await row_counts(api.server) == before
    # The connection is still up and usable.
    assert (await asker.call("create_question", question_payload()))["ok"] is True


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("join_question", {"questionId": "nope"}, "not_found"),
        ("join_question", {}, "invalid"),
        ("create_answer", {"questionId": "nope", "content": "답"}, "not_found"),
        ("create_answer", {"questionId": "x", "content": ""}, "invalid"),
        ("create_answer", {"questionId": "x", "content": "가" * 1001}, "invalid"),
        ("accept_answer", {"answerId": "nope"}, "not_found"),
        ("accept_answer", {"answerId": 5}, "invalid"),
        ("mark_notification_read", {"notificationId": "nope"}, "not_found"),
    ],
)
async def test_bad_event_payloads(
    api: Api, asker: SocketClient, event: str, payload: Any, code: str
) -> None:
    before = await row_counts(api.server)
    ack = await asker.call(event, payload)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code
    assert ack["error"]["message"]
    assert await row_counts(api.server) == before


async def test_two_arguments_are_refused(api: Api, asker: SocketClient) -> None:
    ack = await asker.sio.call("join_question", ({"questionId": "a"}, {"x": 1}), timeout=5)
    assert ack["ok"] is False
    assert ack["error"]["code"] == "invalid"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "title",
        "content",
        "location",
        "hashtags",
        "urgency",
        "imageIds",
        "questionId",
        "answerId",
        "notificationId",
        "lat",
        "lng",
        "latitude",
        "longitude",
        "accuracy",
        "messageId",
        "lastEventId",
        "lastSyncTimestamp",
        "token",
    ]
)
payloads = json_values | st.dictionaries(field_names, json_values, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(event=st.sampled_from(EVENTS), payload=payloads)
async def test_random_payloads_always_get_an_answer(
    api: Api, asker: SocketClient, event: str, payload: Any
) -> None:
    ack = await asker.call(event, payload)
    assert isinstance(ack, dict)
    assert isinstance(ack["ok"], bool)
    if not ack["ok"]:
        assert ack["error"]["code"] in {"invalid", "not_found", "forbidden", "conflict"}
        assert ack["error"]["message"]
