"""A handler whose socket closed while it ran still ends cleanly."""

from __future__ import annotations

from typing import Any, cast

import pytest
import socketio

from dongne.realtime.dispatch import SocketContext


def _context_of_a_gone_socket(sio: socketio.AsyncServer) -> SocketContext:
    return SocketContext(
        sid="gone",
        user_id="u1",
        is_local=False,
        runtime=cast(Any, None),
        _sio=sio,
        _publisher=cast(Any, None),
    )


async def test_entering_a_room_after_the_socket_closed_is_not_an_error() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    # python-socketio itself refuses: this is what a handler met when its client had gone.
    with pytest.raises(ValueError, match="not connected"):
        await sio.enter_room("gone", "question:1")
    await _context_of_a_gone_socket(sio).enter_room("question:1")
    assert sio.manager.rooms.get("/", {}).get("question:1") is None


async def test_entering_a_room_after_the_socket_closed_while_others_stay_is_not_an_error() -> None:
    # With other sockets on the namespace python-socketio raises KeyError instead (seen at
    # 5,000 users: create_question's join after its client had gone).
    sio = socketio.AsyncServer(async_mode="asgi")
    other = await sio.manager.connect("eio-other", "/")
    await sio.enter_room(other, "question:1")
    with pytest.raises(KeyError):
        await sio.enter_room("gone", "question:1")
    await _context_of_a_gone_socket(sio).enter_room("question:1")
    members = [sid for sid, _ in sio.manager.get_participants("/", "question:1")]
    assert members == [other]
