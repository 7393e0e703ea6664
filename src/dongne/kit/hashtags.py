"""Hashtags as people type them (`#Aewol`, ` aewol `) reduced to one stored form."""

from __future__ import annotations

import re
import unicodedata

from dongne.kit.errors import DongneError, ErrorCode

HASHTAG_MAX_LENGTH = 30
_NOT_A_TAG_CHARACTER = re.compile(r"[^\w]", re.UNICODE)


def invalid(message: str) -> DongneError:
    return DongneError(ErrorCode.INVALID, message)


def normalize_hashtags(raw: list[str], *, at_most: int) -> list[str]:
    """`#Aewol`, `aewol` and ` #AEWOL ` are one tag; order kept, duplicates dropped."""
    tags: list[str] = []
    for item in raw:
        tag = unicodedata.normalize("NFC", str(item)).strip().lstrip("#")
        tag = _NOT_A_TAG_CHARACTER.sub("", tag).lower()
        if not tag:
            raise invalid(f"빈 해시태그입니다 (Empty hashtag): {item!r}")
        if len(tag) > HASHTAG_MAX_LENGTH:
            raise invalid(
                f"해시태그는 {HASHTAG_MAX_LENGTH}자 이하입니다 "
                f"(Hashtags have at most {HASHTAG_MAX_LENGTH} characters)"
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > at_most:
        raise invalid(f"해시태그는 최대 {at_most}개입니다 (At most {at_most} hashtags)")
    return tags
