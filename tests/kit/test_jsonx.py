"""The JSON module given to python-socketio handles what orjson alone refuses."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from dongne.kit import jsonx

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
)


@given(values)
def test_round_trip_matches_the_standard_library(value: object) -> None:
    encoded = jsonx.dumps(value, separators=(",", ":"))
    assert isinstance(encoded, str)
    assert jsonx.loads(encoded) == json.loads(json.dumps(value))


def test_big_integers_encode_and_decode_as_javascript_numbers() -> None:
    assert jsonx.loads(jsonx.dumps([2**70, -(2**64)])) == [float(2**70), -float(2**64)]
