"""Text to index terms, per language: Korean through Kiwi's morphological analysis (nouns
and verb/adjective lemmas, particles and endings dropped), English words, Chinese and
Japanese character bigrams.

Kiwi's model ships inside the `kiwipiepy-model` package: nothing is downloaded. Loading
it takes seconds, so it is loaded once per process, in a worker thread (`load_async`).
The load holds the GIL all the same (the event loop stalls ~1.7 s), so a server loads it
during start-up, before it listens (`SimilarService.start`).

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
    PLACE_NAMES,
    ZH_FUNCTION_CHARS,
)

# Place-name terms start with this: they weigh less, and never make a match alone.
NAME_PREFIX = "@"

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Han and katakana runs; hiragana (Japanese particles and endings) separates them.
_CJK_RUN = re.compile(r"[\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_HASHTAG = re.compile(r"#(\w+)")
# Longest spellings first, spaces optional between their characters.
_PLACE_PATTERNS = [
    (re.compile(r"\s*".join(map(re.escape, spelling))), name)
    for spelling, name in sorted(PLACE_NAMES.items(), key=lambda item: -len(item[0]))
]

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

            # Without the multi-word dictionary: ~200 MB less per process and a third of
            # the load time, and the same precision and recall on the evaluation set
            # (`make eval-similar`, bench/README.md).
            kiwi = Kiwi(load_multi_dict=False)
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


def tag_terms(tags: Sequence[str]) -> list[str]:
    """Hashtags as terms: a place's tag (#협재) is its name term."""
    return [
        NAME_PREFIX + PLACE_NAMES[tag] if tag in PLACE_NAMES else tag
        for tag in (t.lower().lstrip("#") for t in tags)
    ]


def terms(text: str) -> list[str]:
    """The index terms of a text, repeated as often as they occur (for term frequencies)."""
    text = unicodedata.normalize("NFKC", text).lower()
    found: list[str] = tag_terms(hashtags_in(text))
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
    names, text = _place_names(text)
    words: list[str] = []
    for token in kiwi.tokenize(text, split_complex=True):
        if token.tag in _NOUN_TAGS:
            words.append(token.form)
        elif token.tag in _PREDICATE_TAGS:
            words.append(token.lemma)
    return names + _normalize_korean(words)


def _place_names(text: str) -> tuple[list[str], str]:
    """Known Jeju place names as `@name` terms, and the text without them.

    Kiwi splits an unknown name one way written together and another way with a space
    ("쇠소깍", "성산항 우도행"); the gazetteer finds it either way.
    """
    found: list[str] = []
    for pattern, name in _PLACE_PATTERNS:
        text, count = pattern.subn(" ", text)
        found.extend([NAME_PREFIX + name] * count)
    return found, text


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
    pairs = (run[i : i + 2] for i in range(len(run) - 1))
    return [pair for pair in pairs if not ZH_FUNCTION_CHARS.intersection(pair)]
