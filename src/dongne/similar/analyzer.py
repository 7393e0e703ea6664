"""Text to index terms, per language: Korean through Kiwi's morphological analysis (nouns
and verb/adjective lemmas, particles and endings dropped), English words, Chinese and
Japanese character bigrams.

Kiwi's model ships inside the `kiwipiepy-model` package: nothing is downloaded. Loading
it takes seconds, so it is loaded once per process, on first use, in a worker thread
(`load_async`), never on the event loop.

Across languages nothing is translated: a Korean question matches Korean questions, an
English one English questions (and Latin-script names inside Korean text), a Chinese or
Japanese one questions sharing its character bigrams (Han characters can match across
the two).
"""

from __future__ import annotations

import asyncio
import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

from dongne.similar.lexicon import (
    EN_ALIASES,
    EN_STOPWORDS,
    KO_ALIASES,
    KO_PHRASES,
    KO_STOPWORDS,
)

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Han and katakana runs; hiragana (Japanese particles and endings) separates them.
_CJK_RUN = re.compile(r"[\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_HASHTAG = re.compile(r"#(\w+)")

# Kiwi's tags kept as terms: common and proper nouns, roots, foreign words, numbers, hanja.
_NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SN", "SH", "NR"})
# Verbs and adjectives become their lemma ("세우" -> "세우다").
_PREDICATE_TAGS = frozenset({"VV", "VA", "VV-I", "VA-I", "VV-R", "VA-R"})
# An English plural or gerund counts as its stem.
_EN_SUFFIXES = ("ing", "es", "s")

_kiwi: Any = None
_kiwi_lock = threading.Lock()


def _load_kiwi() -> Any:
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi  # imported late: the import alone loads the model

            kiwi = Kiwi()
            kiwi.tokenize("준비")  # the first call builds lazily held tables
            _kiwi = kiwi
    return _kiwi


def loaded() -> bool:
    return _kiwi is not None


async def load_async() -> None:
    """Loads Kiwi in a worker thread (once per process)."""
    if _kiwi is None:
        await asyncio.to_thread(_load_kiwi)


def hashtags_in(text: str) -> list[str]:
    return [tag.lower() for tag in _HASHTAG.findall(text)]


def terms(text: str) -> list[str]:
    """The index terms of a text, repeated as often as they occur (for term frequencies)."""
    text = unicodedata.normalize("NFKC", text).lower()
    found: list[str] = hashtags_in(text)
    text = _HASHTAG.sub(" ", text)
    if _HANGUL.search(text):
        found.extend(_korean_terms(_HANGUL_FREE_CJK.sub(" ", text)))
    else:
        found.extend(_english_terms(text))
    for run in _CJK_RUN.findall(text):
        found.extend(_bigrams(run))
    return found


def terms_many(texts: Sequence[str]) -> list[list[str]]:
    """`terms` of many texts; Kiwi analyses the Korean ones in one batch (faster)."""
    return [terms(text) for text in texts]


# Chinese/Japanese runs inside Korean text are indexed as bigrams, not fed to Kiwi.
_HANGUL_FREE_CJK = _CJK_RUN


def _korean_terms(text: str) -> list[str]:
    kiwi = _kiwi if _kiwi is not None else _load_kiwi()
    words: list[str] = []
    for token in kiwi.tokenize(text, split_complex=True):
        tag = token.tag
        if tag in _NOUN_TAGS:
            words.append(token.form)
        elif tag in _PREDICATE_TAGS:
            words.append(token.lemma if hasattr(token, "lemma") else token.form + "다")
    return _normalize_korean(words)


def _normalize_korean(words: list[str]) -> list[str]:
    """Joins known phrases ("차" + "세우다" -> "주차"), maps aliases, drops stopwords."""
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = (words[i], words[i + 1]) if i + 1 < len(words) else None
        if pair is not None and pair in KO_PHRASES:
            out.extend(KO_PHRASES[pair])
            i += 2
            continue
        word = words[i]
        for term in KO_ALIASES.get(word, (word,)):
            # "흑" + "돼지" both stand for "흑돼지": count it once.
            if term not in KO_STOPWORDS and (not out or out[-1] != term):
                out.append(term)
        i += 1
    return out


def _english_terms(text: str) -> list[str]:
    words: list[str] = []
    for word in _LATIN_WORD.findall(text):
        if word in EN_STOPWORDS:
            continue
        words.append(EN_ALIASES.get(word) or EN_ALIASES.get(_stem(word)) or _stem(word))
    return words


def _stem(word: str) -> str:
    for suffix in _EN_SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]
