"""[17] The matcher without a server: Korean variants, staleness, distance, languages."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from dongne.similar import analyzer, policy
from dongne.similar.index import SimilarIndex, Stored
from dongne.similar.matcher import rank, stored_from

NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)
HYEOPJAE = (33.3940, 126.2397)
SEONGSAN = (33.4581, 126.9425)
SEONGSAN_PORT = (33.4738, 126.9342)


def index_of(*questions: tuple[str, str, tuple[float, float], timedelta]) -> SimilarIndex:
    index = SimilarIndex()
    for question_id, text, (lat, lng), age in questions:
        index.upsert(
            stored_from(
                question_id=question_id,
                title=text,
                content=text,
                region_code="hallim",
                created_at=NOW - age,
                hashtags=[],
                lat=lat,
                lng=lng,
                answer_id=f"a-{question_id}",
                answer_preview="",
                answer_accepted=False,
                answer_created_at=NOW - age,
            )
        )
    return index


def top(index: SimilarIndex, text: str, at: tuple[float, float]) -> list[str]:
    return [m.stored.question_id for m in rank(index, text, *at, now=NOW)]


@pytest.mark.parametrize(
    "text",
    ["주차장 있나요", "주차 가능해요?", "주차장이 있나요?", "주차장있나요", "차 세울 데 있어요?"],
)
def test_particles_and_spacing_reduce_to_the_same_terms(text: str) -> None:
    assert "주차" in analyzer.terms(text)
    assert not {"있다", "가능", "이", "요"} & set(analyzer.terms(text))


def test_parking_asked_in_other_words_finds_the_answered_question() -> None:
    index = index_of(
        ("parking", "협재해수욕장 주차장 있나요?", HYEOPJAE, timedelta(days=3)),
        ("shower", "협재 해수욕장 샤워장 유료인가요?", HYEOPJAE, timedelta(days=3)),
    )
    assert top(index, "주차 가능해요?", HYEOPJAE)[:1] == ["parking"]
    assert top(index, "협재 해변에 차 세울 데 있어요?", HYEOPJAE)[:1] == ["parking"]


def test_beyond_the_distance_cut_off_nothing_is_offered() -> None:
    index = index_of(("parking", "협재해수욕장 주차장 있나요?", HYEOPJAE, timedelta(days=3)))
    assert top(index, "주차장 있나요", SEONGSAN) == []
    north = (HYEOPJAE[0] + (policy.CUTOFF_M - 200) / 111_195, HYEOPJAE[1])
    assert top(index, "주차장 있나요", north) == ["parking"]
    beyond = (HYEOPJAE[0] + (policy.CUTOFF_M + 200) / 111_195, HYEOPJAE[1])
    assert top(index, "주차장 있나요", beyond) == []


def test_a_stale_time_bound_answer_is_never_the_top_match() -> None:
    index = index_of(
        ("now-old", "우도 들어가는 배 지금 운항하나요?", SEONGSAN_PORT, timedelta(hours=20)),
        ("last-boat", "성산항에서 우도 가는 막배 몇 시예요?", SEONGSAN_PORT, timedelta(days=3)),
    )
    assert policy.freshness_of("우도 배 지금 운항하나요?") is policy.Freshness.LIVE
    assert "now-old" not in top(index, "우도 배 지금 운항해요?", SEONGSAN_PORT)
    fresh = index_of(
        ("now-fresh", "우도 들어가는 배 지금 운항하나요?", SEONGSAN_PORT, timedelta(hours=1))
    )
    assert top(fresh, "우도 배 지금 운항해요?", SEONGSAN_PORT) == ["now-fresh"]


@pytest.mark.parametrize(
    ("text", "freshness", "fresh_for"),
    [
        ("협재 지금 사람 많아요?", policy.Freshness.LIVE, timedelta(hours=3)),
        ("한라산 오늘 입산 통제인가요?", policy.Freshness.TODAY, timedelta(hours=18)),
        ("한림공원 몇 시까지 영업해요?", policy.Freshness.SCHEDULE, timedelta(days=60)),
        ("What time does the ticket office close?", policy.Freshness.SCHEDULE, timedelta(days=60)),
    ],
)
def test_time_bound_questions_keep_their_answers_fresh_for_a_window(
    text: str, freshness: policy.Freshness, fresh_for: timedelta
) -> None:
    assert policy.freshness_of(text) is freshness
    assert policy.age_weight(fresh_for - timedelta(minutes=1), freshness) is not None
    assert policy.age_weight(fresh_for + timedelta(minutes=1), freshness) is None


def test_a_timeless_answer_ages_gently_and_never_goes_stale() -> None:
    assert policy.freshness_of("협재 주차장 있나요?") is policy.Freshness.TIMELESS
    young = policy.age_weight(timedelta(days=1), policy.Freshness.TIMELESS)
    old = policy.age_weight(timedelta(days=3650), policy.Freshness.TIMELESS)
    assert young is not None
    assert old is not None
    assert young > old >= 1 - policy.TIMELESS_AGE_WEIGHT


def test_same_word_other_meaning_does_not_match() -> None:
    index = index_of(
        ("boat", "협재에서 비양도 가는 배 어디서 타요?", HYEOPJAE, timedelta(days=3)),
        ("belly", "협재 근처인데 배가 아파요. 약국 있나요?", HYEOPJAE, timedelta(days=3)),
    )
    assert top(index, "비양도 배 시간 알려주세요", HYEOPJAE)[:1] == ["boat"]
    assert top(index, "배탈 났는데 약 살 곳", HYEOPJAE)[:1] == ["belly"]


def test_a_shared_place_name_alone_is_no_match() -> None:
    index = index_of(("shower", "협재 해수욕장 샤워장 유료인가요?", HYEOPJAE, timedelta(days=3)))
    assert top(index, "협재 흑돼지 맛집", HYEOPJAE) == []


def test_other_languages_match_the_same_language() -> None:
    index = index_of(
        ("ko", "협재해수욕장 주차장 있나요?", HYEOPJAE, timedelta(days=3)),
        ("en", "Is there parking at Hyeopjae Beach?", HYEOPJAE, timedelta(days=3)),
        ("zh", "协才海水浴场有停车场吗？", HYEOPJAE, timedelta(days=3)),
        ("ja", "協才ビーチに駐車場はありますか", HYEOPJAE, timedelta(days=3)),
    )
    assert top(index, "Where can I park near Hyeopjae beach?", HYEOPJAE) == ["en"]
    assert top(index, "协才停车场在哪里", HYEOPJAE) == ["zh"]
    assert top(index, "駐車場はどこですか", HYEOPJAE) == ["ja"]
    assert top(index, "주차 가능해요?", HYEOPJAE) == ["ko"]


def test_removing_and_replacing_keeps_the_counts_right() -> None:
    index = index_of(("parking", "협재해수욕장 주차장 있나요?", HYEOPJAE, timedelta(days=3)))
    index.remove("parking")
    assert len(index) == 0
    assert top(index, "주차장 있나요", HYEOPJAE) == []
    index = index_of(("parking", "협재해수욕장 주차장 있나요?", HYEOPJAE, timedelta(days=3)))
    index.upsert(index.get("parking"))  # type: ignore[arg-type]
    assert len(index) == 1
    assert top(index, "주차장 있나요", HYEOPJAE) == ["parking"]


def _parking(title: str, hashtags: list[str], answer_id: str, known: Stored | None) -> Stored:
    return stored_from(
        question_id="q",
        title=title,
        content=title,
        region_code="hallim",
        created_at=NOW,
        hashtags=hashtags,
        lat=HYEOPJAE[0],
        lng=HYEOPJAE[1],
        answer_id=answer_id,
        answer_preview="",
        answer_accepted=False,
        answer_created_at=NOW,
        known=known,
    )


def test_a_new_answer_keeps_the_terms_and_an_edit_draws_them_again() -> None:
    first = _parking("협재 주차장 있나요?", ["협재"], "a1", None)
    # Terms that no analysis would give: reused as they are while text and tags stay.
    first.terms = Counter({"reused": 1})
    again = _parking("협재 주차장 있나요?", ["협재"], "a2", first)
    assert again.terms == Counter({"reused": 1})
    assert again.answer_id == "a2"
    edited = _parking("협재 샤워장 있나요?", ["협재"], "a2", first)
    assert "샤워장" in edited.terms
    assert "reused" not in edited.terms
    retagged = _parking("협재 주차장 있나요?", ["주차"], "a2", first)
    assert "주차" in retagged.terms
    assert "reused" not in retagged.terms
