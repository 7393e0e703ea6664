"""A handler whose socket closed while it ran still ends cleanly."""

from __future__ import annotations

from typing import Any, cast

import pytest
import socketio

from dongne.realtime.dispatch import SocketContext


async def test_entering_a_room_after_the_socket_closed_is_not_an_error() -> None:
    sio = socketio.AsyncServer(async_mode="asgi")
    # python-socketio itself refuses: this is what a handler met when its client had gone.
    with pytest.raises(ValueError, match="not connected"):
        await sio.enter_room("gone", "question:1")
    context = SocketContext(
        sid="gone",
        user_id="u1",
        is_local=False,
        runtime=cast(Any, None),
        _sio=sio,
        _publisher=cast(Any, None),
    )
    await context.enter_room("question:1")
    assert sio.manager.rooms.get("/", {}).get("question:1") is None
