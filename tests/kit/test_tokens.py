"""Access tokens are judged by the injected clock alone, never by the machine's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dongne.kit.tokens import AccessTokens, InvalidToken

TOKENS = AccessTokens("s" * 32, timedelta(minutes=15))


@pytest.mark.parametrize("offset", [timedelta(days=-400), timedelta(0), timedelta(days=400)])
def test_a_token_is_valid_for_its_ttl_on_the_injected_clock(offset: timedelta) -> None:
    now = datetime.now(UTC) + offset
    token = TOKENS.issue("u1", "local", now)
    assert TOKENS.verify(token, now + timedelta(minutes=14)).user_id == "u1"
    with pytest.raises(InvalidToken, match="expired"):
        TOKENS.verify(token, now + timedelta(minutes=15))


def test_a_forged_token_is_refused() -> None:
    now = datetime.now(UTC)
    token = AccessTokens("t" * 32, timedelta(minutes=15)).issue("u1", "admin", now)
    with pytest.raises(InvalidToken):
        TOKENS.verify(token, now)
