"""The languages Dongne speaks: the web client's five, by the tags it uses."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    KO = "ko"
    EN = "en"
    ZH_CN = "zh-CN"
    ZH_TW = "zh-TW"
    JA = "ja"


DEFAULT_LANGUAGE = Language.KO


def language_of(value: str | None) -> Language:
    """A stored or requested tag as one of ours; Korean when it names none."""
    try:
        return Language(value) if value else DEFAULT_LANGUAGE
    except ValueError:
        return DEFAULT_LANGUAGE
