"""orjson behind the `json` module interface that python-socketio expects."""

from __future__ import annotations

from typing import Any

import orjson

JSONDecodeError = orjson.JSONDecodeError


def dumps(obj: Any, **_: Any) -> str:
    # python-socketio passes `separators=`; orjson's output is already compact.
    return orjson.dumps(obj).decode()


def loads(data: str | bytes, **_: Any) -> Any:
    return orjson.loads(data)
