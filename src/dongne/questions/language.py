"""The language a question is written in: Korean, English, Chinese or Japanese.

lingua ships its models in the wheel (nothing is downloaded at run time); restricting it
to the four languages the product routes by keeps it fast. The detector is built once, on
first use, since loading the models takes a moment.
"""

from __future__ import annotations

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

CODES = {
    Language.KOREAN: "ko",
    Language.ENGLISH: "en",
    Language.CHINESE: "zh",
    Language.JAPANESE: "ja",
}
DEFAULT = "ko"


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*CODES).build()


def detect_language(text: str) -> str:
    """ko, en, zh or ja; Korean when the text says too little to tell."""
    found = _detector().detect_language_of(text)
    return DEFAULT if found is None else CODES[found]
