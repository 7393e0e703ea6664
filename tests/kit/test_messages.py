"""The server's message catalogue: every key in every language, rendering, and no sentence
left inside a service."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import CATALOGUES, Language, MessageKey, negotiate, render, text

SRC = Path(__file__).resolve().parents[2] / "src" / "dongne"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("language", list(Language))
def test_every_language_has_every_key_with_the_same_placeholders(language: Language) -> None:
    catalogue = CATALOGUES[language]
    assert set(catalogue) == set(MessageKey), set(MessageKey) ^ set(catalogue)
    for key in MessageKey:
        assert catalogue[key].strip(), (language, key)
        assert _fields(catalogue[key]) == _fields(CATALOGUES[Language.KO][key]), (language, key)
    if language is not Language.KO:
        korean = [k for k, v in catalogue.items() if HANGUL.search(v)]
        assert korean == [], korean


def test_a_text_renders_in_the_readers_language_and_bilingual_when_unknown() -> None:
    many = text(MessageKey.HASHTAGS_TOO_MANY, at_most=5)
    assert many.render(Language.KO) == "해시태그는 최대 5개입니다"
    assert many.render(Language.EN) == "At most 5 hashtags"
    assert many.render(Language.ZH_TW) == "最多只能加 5 個主題標籤"
    assert many.render(Language.JA) == "ハッシュタグは5個までです"
    assert many.render(None) == "해시태그는 최대 5개입니다 (At most 5 hashtags)"
    missing = text(MessageKey.IMAGE_NOT_FOUND, detail="01jabc")
    assert missing.render(Language.ZH_CN) == "找不到该图片: 01jabc"
    # As queued in a job payload and rendered at delivery.
    assert render(missing.to_json(), Language.EN) == "Image not found: 01jabc"
    assert render("성산일출봉 매표소", Language.EN) == "성산일출봉 매표소"
    error = DongneError(ErrorCode.NOT_FOUND, text(MessageKey.QUESTION_NOT_FOUND))
    assert error.to_wire(Language.JA) == {"code": "not_found", "message": "質問が見つかりません"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-TW,zh;q=0.9,en;q=0.8", Language.ZH_TW),
        ("zh-HK", Language.ZH_TW),
        ("zh-Hant-MO", Language.ZH_TW),
        ("zh-CN,zh;q=0.9", Language.ZH_CN),
        ("zh", Language.ZH_CN),
        ("ja-JP,ja;q=0.9", Language.JA),
        ("fr-FR,en;q=0.5,ko;q=0.7", Language.KO),
        ("en", Language.EN),
        ("fr-FR", None),
        ("", None),
        (None, None),
        ("ko;q=nonsense,ja", Language.JA),
    ],
)
def test_accept_language_picks_one_of_ours(header: str | None, expected: Language | None) -> None:
    assert negotiate(header) == expected


# Where Hangul may stay: the catalogues, spam keywords, the similar-question search's Korean
# vocabulary (words to match, never shown), the CLI and demo data, the page shown before the
# client is built, and the API docs' title.
ALLOWED_HANGUL = {
    "kit/messages/ko.py",
    "moderation/policy.py",
    "similar/analyzer.py",
    "similar/lexicon.py",
    "similar/policy.py",
    "cli.py",
    "demo.py",
    "web/routes.py",
    "app.py",
    "config.py",
    "__init__.py",
}
# Calls whose text reaches people: a literal there is a sentence kept outside the catalogue.
MESSAGE_CALLS = {"DongneError", "ImageRejected", "invalid", "Message", "Alert"}


def _python_files() -> list[Path]:
    return [
        p for p in SRC.rglob("*.py") if "migrations" not in p.parts and "simulation" not in p.parts
    ]


def _string_constants(tree: ast.AST) -> list[ast.Constant]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_korean_sentence_is_left_in_the_code() -> None:
    found = []
    for path in _python_files():
        relative = path.relative_to(SRC).as_posix()
        if relative in ALLOWED_HANGUL:
            continue
        for node in _string_constants(ast.parse(path.read_text())):
            if HANGUL.search(node.value):
                found.append(f"{relative}:{node.lineno}: {node.value[:40]}")
    assert found == []


def test_no_literal_is_handed_to_an_error_or_a_notification() -> None:
    found = []
    for path in _python_files():
        relative = path.relative_to(SRC).as_posix()
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name not in MESSAGE_CALLS:
                continue
            values = [
                *node.args,
                *(k.value for k in node.keywords if k.arg in {"title", "message", "body"}),
            ]
            for value in values:
                if isinstance(value, ast.JoinedStr) or (
                    isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and name != "Message"
                ):
                    found.append(f"{relative}:{node.lineno}: {name}(...)")
    assert found == []
