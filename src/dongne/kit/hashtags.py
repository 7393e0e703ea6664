"""Hashtags as people type them (`#Aewol`, ` aewol `) reduced to one stored form."""

from __future__ import annotations

import re
import unicodedata

from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, Text, text

HASHTAG_MAX_LENGTH = 30
_NOT_A_TAG_CHARACTER = re.compile(r"[^\w]", re.UNICODE)


def invalid(message: Text) -> DongneError:
    return DongneError(ErrorCode.INVALID, message)


def normalize_hashtags(raw: list[str], *, at_most: int) -> list[str]:
    """`#Aewol`, `aewol` and ` #AEWOL ` are one tag; order kept, duplicates dropped."""
    tags: list[str] = []
    for item in raw:
        tag = unicodedata.normalize("NFC", str(item)).strip().lstrip("#")
        tag = _NOT_A_TAG_CHARACTER.sub("", tag).lower()
        if not tag:
            raise invalid(text(MessageKey.HASHTAG_EMPTY, detail=repr(item)))
        if len(tag) > HASHTAG_MAX_LENGTH:
            raise invalid(text(MessageKey.HASHTAG_TOO_LONG, max=HASHTAG_MAX_LENGTH))
        if tag not in tags:
            tags.append(tag)
    if len(tags) > at_most:
        raise invalid(text(MessageKey.HASHTAGS_TOO_MANY, at_most=at_most))
    return tags
