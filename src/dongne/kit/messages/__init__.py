"""What the server says to people, in Korean, English, Simplified and Traditional Chinese and
Japanese: one catalogue module per language (plain dicts keyed by `MessageKey`; a test checks
that every language has every key with the same placeholders).

Services never hold user-facing sentences: they raise `DongneError(code, text(KEY, ...))` and
notify with `Text` values; transports render them in the reader's language (an HTTP request's
Accept-Language, a socket's user, a notification's recipient). Plain dicts rather than gettext
.po files: five small catalogues checked by the type checker and a test need no compile step,
and the client's catalogues (web/src/locales) have the same shape.

When the reader's language is unknown the text is Korean with English beside it, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dongne.kit.messages import en, ja, ko, zh_cn, zh_tw
from dongne.kit.messages.keys import MessageKey
from dongne.kit.messages.languages import DEFAULT_LANGUAGE, Language, language_of

__all__ = [
    "CATALOGUES",
    "DEFAULT_LANGUAGE",
    "Language",
    "MessageKey",
    "Readable",
    "Text",
    "language_of",
    "negotiate",
    "render",
    "text",
    "to_json",
]

CATALOGUES: dict[Language, Mapping[MessageKey, str]] = {
    Language.KO: ko.MESSAGES,
    Language.EN: en.MESSAGES,
    Language.ZH_CN: zh_cn.MESSAGES,
    Language.ZH_TW: zh_tw.MESSAGES,
    Language.JA: ja.MESSAGES,
}

Param = str | int | float


@dataclass(frozen=True)
class Text:
    """A message by key; `detail` is technical and never translated (field errors, ids)."""

    key: MessageKey
    params: Mapping[str, Param] = field(default_factory=dict)
    detail: str | None = None

    def render(self, language: Language | None) -> str:
        if language is None:
            # Unknown reader: Korean first, English beside it.
            sentence = f"{self._sentence(Language.KO)} ({self._sentence(Language.EN)})"
        else:
            sentence = self._sentence(language)
        return f"{sentence}: {self.detail}" if self.detail else sentence

    def _sentence(self, language: Language) -> str:
        template = CATALOGUES[language].get(self.key) or CATALOGUES[DEFAULT_LANGUAGE][self.key]
        return template.format_map(dict(self.params))

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key.value, "params": dict(self.params), "detail": self.detail}


# Text, or people's own words (a question's title) shown as they are.
Readable = Text | str


def text(key: MessageKey, detail: str | None = None, **params: Param) -> Text:
    return Text(key, params, detail)


def render(value: Readable | Mapping[str, Any], language: Language | None) -> str:
    """A `Readable`, or one stored as JSON in a job payload (`Text.to_json`), as a string."""
    if isinstance(value, Text):
        return value.render(language)
    if isinstance(value, str):
        return value
    return Text(MessageKey(value["key"]), value.get("params") or {}, value.get("detail")).render(
        language
    )


def to_json(value: Readable) -> str | dict[str, Any]:
    return value.to_json() if isinstance(value, Text) else value


def negotiate(accept_language: str | None) -> Language | None:
    """The best of our languages for an Accept-Language header; None when it names none.

    Taiwan, Hong Kong, Macau and "Hant" read Traditional Chinese, other Chinese Simplified.
    """
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            ranked.append((-weight, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        primary, *rest = tag.split("-")
        if primary == "zh":
            return Language.ZH_TW if {"tw", "hk", "mo", "hant"} & set(rest) else Language.ZH_CN
        if primary in ("ko", "en", "ja"):
            return Language(primary)
    return None
