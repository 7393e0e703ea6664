"""orjson behind the `json` module interface that python-socketio expects.

orjson refuses to encode integers beyond 64 bits; those rare values fall back to the
standard library instead of failing the packet. Decoding reads them as floats, as a
JavaScript client would.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

JSONDecodeError = ValueError


def dumps(obj: Any, **_: Any) -> str:
    # python-socketio passes `separators=`; orjson's output is already compact.
    try:
        return orjson.dumps(obj).decode()
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def loads(data: str | bytes, **_: Any) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)
