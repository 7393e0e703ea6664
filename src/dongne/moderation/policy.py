"""Pure moderation rules: HTML stripping and a transparent, additive spam score.

No I/O, no clock, no framework. The service sanitizes a post with `strip_html`, gathers the
author's recent activity into a `PostHistory`, calls `score_post`, logs every decision
(`SpamDecision.log_fields`) and acts on the verdict: REFUSE -> `spam_refusal()` (error code
``spam``), REVIEW -> publish, logged at WARNING (``spam_review``) for moderators to look at
(an ambiguous post is not worth making an honest traveller wait), ALLOW -> publish.

How the score works
-------------------
Every signal adds a fixed weight (the constants below); the sum is compared with two
thresholds: ``score >= REFUSE_AT`` refuses, ``score >= REVIEW_AT`` holds for review.

*Channel* signals are how a spammer gets paid or reaches people: a link (not to an official
site), a phone number, a messenger handle, the same post again (duplicate), or a burst of
posts. *Promotional keywords* are the old seed blocklist's words, and honest travellers use
them all the time ("무료 주차 되는 해변 있나요?", "도민 할인 돼요?"), so they are scored in
two regimes - this interaction is deliberate and is the core of the detector:

- without any channel signal each distinct keyword adds only PROMO_ALONE, capped at
  PROMO_ALONE_CAP, so promotional words by themselves can never hold or refuse a post;
- with a link, phone, handle or duplicate each keyword adds its own weight (KEYWORDS),
  capped at PROMO_WITH_CHANNEL_CAP: "특가 할인 예약문의 010-1234-5678" is refused;
- with only a burst, half of that (PROMO_BURST_FACTOR): a burst says "reach", not "ad",
  and a lively conversation is fast too.

Guarantees (tested in tests/moderation/test_spam.py):

- No channel signal -> always ALLOW (PROMO_ALONE_CAP + official link + emoji + repeated
  characters = 3.0 stays below REVIEW_AT).
- A local answering with a public phone number and no promotional words, links, handles,
  repeats or bursts is ALLOW, or REVIEW at worst (two numbers, brand-new account, emoji
  and an official link: 5.0), never REFUSE.
- An account younger than NEW_ACCOUNT_S only counts together with a link, phone or handle:
  a tourist who has just signed up to ask a question is not suspicious for that alone.

Known limits: numbers spelled out in Hangul (공일공), keywords split by spaces (카 지 노) and
links without a dot (naver 닷 com) are not detected; a post without any channel signal (pure
praise of a shop) is allowed - it cannot be acted on by readers, so it costs little.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

import nh3

from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, Text

REVIEW_AT = 3.5
REFUSE_AT = 6.0

W_LINK = 2.0
W_SHORT_LINK = 3.0  # hides where it leads: a reader cannot judge it before clicking
W_MAP_LINK = 1.0  # naver.me / kko.to place shares are how locals point at a shop
W_OFFICIAL_LINK = 0.5
W_MANY_LINKS = 0.5  # more than two distinct unofficial hosts
W_PHONE = 2.0
W_MANY_PHONES = 0.5
W_CONTACT = 3.0
W_NEW_ACCOUNT = 1.0
NEW_ACCOUNT_S = 24 * 3600.0
W_DUPLICATE = (2.0, 3.0, 4.0)  # one, two, three or more earlier near-identical posts
DUPLICATE_MIN_CHARS = 20  # "감사합니다!" to several answerers is not spam
DUPLICATE_SIMILARITY = 0.9
W_BURST_HOUR = 1.0  # an active local answers many questions on a busy afternoon
W_BURST = 2.0
W_FLOOD = 3.5
BURST_PER_MINUTE, BURST_PER_HOUR = 3, 20
FLOOD_PER_MINUTE, FLOOD_PER_HOUR = 8, 60
W_EMOJI = 0.5
EMOJI_MIN = 5
W_REPEATED = 0.5
REPEAT_RUN = 6
PROMO_ALONE = 0.5
PROMO_ALONE_CAP = 1.5
PROMO_WITH_CHANNEL_CAP = 5.0
# A burst is reach without a way to contact anyone, and live conversations are fast.
PROMO_BURST_FACTOR = 0.5

_MAX_SCAN_CHARS = 20_000  # bounds the regex work on absurd inputs; posts are far shorter
_MAX_COMPARE_CHARS = 500
_MAX_HISTORY = 50
_MAX_STRIP_ROUNDS = 8


def strip_html(text: str) -> str:
    """Plain text with no HTML: tags and comments dropped, <script>/<style> with content.

    Entities nh3 produced are decoded again ("a &amp; b" is stored as "a & b") because
    content is stored as plain text and the web client escapes it when rendering; stored
    HTML-escaped text would show "&amp;" to users. Repeated until stable so that text which
    decodes into markup ("&lt;b&gt;") is stripped too and the result is idempotent. Newlines
    are kept (CRLF becomes LF), the ends trimmed again: a stripped tag may leave blanks
    there. Like a browser, "a<b" parses as the start of a tag.
    """
    current = text
    for _ in range(_MAX_STRIP_ROUNDS):
        cleaned = html.unescape(nh3.clean(current, tags=set()))
        if cleaned == current:
            return cleaned.strip()
        current = cleaned
    # Only entity nesting deeper than the rounds gets here; without <, > and & nothing
    # can be markup or decode into it.
    return re.sub(r"[<>&]", "", current).strip()


@dataclass(frozen=True)
class PostHistory:
    """What the caller knows about the author's recent posts, not counting this one."""

    recent_texts: tuple[str, ...] = ()  # posts of the last hour, via normalize_post
    posts_last_minute: int = 0
    posts_last_hour: int = 0
    account_age_s: float = float("inf")


class SpamVerdict(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    REFUSE = "refuse"


@dataclass(frozen=True)
class SpamDecision:
    verdict: SpamVerdict
    score: float
    reasons: tuple[str, ...]
    # (signal, weight) pairs that sum to score: what a moderator needs to judge the rule.
    contributions: tuple[tuple[str, float], ...] = field(default=())

    def log_fields(self) -> dict[str, object]:
        """Structured-log fields; the service logs every decision, ALLOW included."""
        return {
            "spam_verdict": str(self.verdict),
            "spam_score": self.score,
            "spam_reasons": list(self.reasons),
        }


def spam_refusal() -> DongneError:
    # The reasons stay in the log: telling a spammer which signal fired helps them evade it.
    return DongneError(
        ErrorCode.SPAM,
        Text(MessageKey.SPAM),
    )


def normalize_post(text: str) -> str:
    """The form compared for duplicates: case, digits, spacing and symbols folded away."""
    folded = _prepare(text)
    folded = re.sub(r"\d", "0", folded)  # a changed price or phone number is the same ad
    folded = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in folded)
    return " ".join(folded.split())


def _prepare(text: str) -> str:
    # NFKC turns fullwidth digits and letters into ASCII; format characters (zero-width
    # spaces) are what spammers slip between the letters of a keyword.
    text = unicodedata.normalize("NFKC", text[:_MAX_SCAN_CHARS])
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").casefold()


# --- links -------------------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+")
_GENERIC_TLDS = (
    "co.kr|or.kr|go.kr|ac.kr|ne.kr|re.kr|pe.kr|com|net|org|kr|io|xyz|top|site|shop|info"
    "|biz|club|online|vip|cc|bet|icu|store|asia"
).replace(".", r"\.")
# Short TLDs such as .me, .to, .do, .ly would turn "ok.Do you…" into a link, so only the
# known hosts under them count.
_SHORT_TLD_HOSTS = (
    r"bit\.ly|cutt\.ly|ow\.ly|t\.ly|goo\.gl|han\.gl|me2\.do|is\.gd|rb\.gy|vo\.la|naver\.me|kko\.to"
)
_BARE = re.compile(
    r"(?<![a-z0-9@._\-/])"
    rf"((?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?\.)+(?:{_GENERIC_TLDS})"
    rf"|(?:[a-z0-9\-]+\.)*(?:{_SHORT_TLD_HOSTS}))"
    r"(?![a-z0-9\-])"
)
SHORTENER_HOSTS = frozenset(
    {"bit.ly", "cutt.ly", "ow.ly", "t.ly", "goo.gl", "han.gl", "me2.do", "is.gd", "rb.gy"}
    | {"vo.la", "tinyurl.com", "url.kr", "buly.kr", "c11.kr", "zrr.kr", "lrl.kr", "abit.ly"}
)
MAP_HOSTS = frozenset(
    {"naver.me", "kko.to", "map.naver.com", "map.kakao.com", "maps.app.goo.gl"}
    | {"maps.google.com"}
)
# Sites a spammer cannot register: government, schools, registered non-profits, and the
# public services a Jeju traveller is pointed to.
OFFICIAL_SUFFIXES = (
    "go.kr",
    "ac.kr",
    "or.kr",
    "visitjeju.net",
    "jejuair.net",
    "airport.co.kr",
    "letskorail.com",
    "kobus.co.kr",
    "wikipedia.org",
)


_KR_SECOND_LEVEL = frozenset({"co.kr", "or.kr", "go.kr", "ac.kr", "ne.kr", "re.kr", "pe.kr"})


def _hosts(text: str) -> set[str]:
    hosts: set[str] = set()
    for match in _URL.finditer(text):
        rest = re.sub(r"^https?://", "", match.group(0))
        # The URL pattern runs on into Korean particles ("…net에서"); the host is ASCII.
        ascii_host = re.match(r"[a-z0-9.\-]*", rest)
        hosts.add(ascii_host.group(0).strip(".-").removeprefix("www.") if ascii_host else "")
    for match in _BARE.finditer(_URL.sub(" ", text)):
        host = match.group(1).removeprefix("www.")
        parts = host.split(".")
        if host in _KR_SECOND_LEVEL:  # "co.kr" alone names a zone, not a site
            continue
        second_level = len(parts) > 2 and ".".join(parts[-2:]) in _KR_SECOND_LEVEL
        label = parts[-3] if second_level else parts[-2]
        # "a.m.com" or "p.s.kr" in prose are not hosts; real one-letter ones are listed.
        if len(label) >= 2 or host in SHORTENER_HOSTS or host in MAP_HOSTS:
            hosts.add(host)
    hosts.discard("")
    return hosts


def _is_under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


# --- phones and handles -------------------------------------------------------------------

_SEP = r"[\s.\-‐‑‒–—―)]{0,3}"
_PHONE = re.compile(
    r"(?<![\d+])(?:"
    # mobile, landline (02, 0xx), 050x personal numbers, 070 internet phones, 080; +82 too
    rf"(?:\+?82{_SEP}(?:\(0\))?0?|\(?0)(?:1[016789]|2|[3-6][1-5]|50[2-8]|70|80)"
    rf"{_SEP}\d{{3,4}}{_SEP}\d{{4}}"
    # 1588-xxxx style company numbers (not 19xx: "1999-2024" is a span of years)
    r"|1[568]\d\d[.\-]\d{4}"
    r")(?!\d)"
)
_MESSENGER = (
    r"카톡|카카오톡|카카오|텔레그램|텔레|라인|위챗|왓츠앱"
    r"|kakaotalk|kakao|katalk|telegram|line|wechat|whatsapp"
)
_CONTACT = re.compile(
    r"open\.kakao\.com|오픈\s?(?:채팅|톡|카톡)"
    rf"|(?<![a-z])(?:{_MESSENGER}|insta(?:gram)?|인스타)\s*(?:id(?![a-z0-9])|아이디)\s*[:=]?\s*@?[a-z0-9_.\-]{{3,}}"
    # "카톡 jejurent77", "텔레 @loanking": an id right after the messenger's name
    r"|(?:카톡|카카오톡|텔레그램|텔레|telegram|wechat|위챗|kakaotalk|katalk)\s*[:]?\s*"
    r"(?:@[a-z0-9_]{4,}|[a-z][a-z0-9_.]*\d[a-z0-9_.]*)"
    r"|(?:카톡|카카오톡|텔레그램|텔레|라인|오픈톡)\s?(?:문의|상담|연락|주세요|환영)"
    r"|(?<![a-z0-9._%+\-])[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}"
)

# --- promotional keywords -----------------------------------------------------------------

# (pattern, weight with a channel). Matched in this order and each match is blanked out,
# so "예약문의" counts once and not again as "문의". Exclusions keep honest words apart:
# 제주도박물관 is a museum, 도서 대출 a library loan, 토토로 a cartoon cat.
KEYWORDS: tuple[tuple[str, float], ...] = (
    (r"예약\s?문의", 1.5),
    (r"작업\s?대출", 2.5),
    (r"(?<!도서)(?<!도서\s)(?<!도서관)(?<!도서관\s)대출(?!\s?(?:카드|증|기간|권수|반납))", 2.5),
    (r"최저가", 1.5),
    (r"특가", 1.5),
    (r"홍보", 1.5),
    (r"가입\s?코드", 2.0),
    (r"디엠|\bdm\s?주세요", 1.5),
    (r"카지노", 2.0),
    (r"도박(?!물관|람회)", 2.0),
    (r"토토(?!로)", 2.5),
    (r"바카라", 2.5),
    (r"슬롯", 2.0),
    (r"먹튀", 2.5),
    (r"안전\s?놀이터", 2.5),
    (r"첫충", 2.5),
    (r"리딩방", 2.5),
    (r"고수익", 2.5),
    (r"수익", 2.0),
    (r"부업", 2.5),
    (r"재테크", 2.0),
    (r"급전", 2.5),
    (r"무직자", 2.5),
    (r"당일\s?지급", 2.5),
    (r"비트코인", 2.0),
    (r"조건\s?만남", 2.5),
    (r"출장\s?(?:마사지|안마)", 2.5),
    (r"무료", 1.0),
    (r"할인", 1.0),
    (r"이벤트", 1.0),
    (r"쿠폰", 1.0),
    (r"광고", 1.0),
    (r"선착순", 1.0),
    (r"증정", 1.0),
    (r"프로모션", 1.0),
    (r"세일", 1.0),
    (r"땡처리", 1.0),
    (r"판매", 1.0),
    (r"직거래", 1.0),
    (r"바로\s?가기", 1.0),
    (r"클릭", 1.0),
    (r"보너스", 1.0),
    (r"추천인", 1.0),
    (r"보장", 1.0),
    (r"문의", 0.5),  # "매표소에 문의하세요" is what honest answers say
    (r"상담", 0.5),
    (r"환영", 0.5),
    (r"\bfree spins?\b", 2.5),
    (r"\b(?:best|lowest) prices?\b", 1.5),
    (r"\bdm (?:me|us)\b|\bmessage (?:me|us)\b", 1.5),
    (r"\blimited (?:time|offer)\b|\b(?:today|this week) only\b", 1.5),
    (r"\bloans?\b", 2.5),
    (r"\bcasinos?\b", 2.0),
    (r"\bearn\b|\bmake money\b", 2.0),
    (r"\b(?:bitcoin|crypto|forex)\b", 2.0),
    (r"\bescorts?\b", 2.5),
    (r"\bwork from home\b", 1.5),
    (r"\bfree\b", 1.0),
    (r"\bdiscounts?\b", 1.0),
    (r"\bsale\b", 1.0),
    (r"\bpromo(?:tion)?s?\b", 1.0),
    (r"\bcoupons?\b", 1.0),
    (r"\bcheap(?:est)?\b", 1.0),
    (r"\bclick\b", 1.0),
    (r"\bbonus\b", 1.0),
    (r"\b(?:sign up|join|order|book) now\b", 1.0),
    (r"(?<!\d)\d+\s?% off\b", 1.0),
    (r"\bguaranteed?\b", 1.0),
    (r"\bwhatsapp\b", 1.0),
)
_KEYWORDS = tuple((re.compile(pattern), weight) for pattern, weight in KEYWORDS)


def _promo_weights(text: str) -> list[float]:
    weights: list[float] = []
    for pattern, weight in _KEYWORDS:
        if pattern.search(text):
            weights.append(weight)
            text = pattern.sub(" ", text)
    return weights


# --- decoration ---------------------------------------------------------------------------

_EMOJI_RANGES = (
    (0x2190, 0x21FF),  # arrows
    (0x25A0, 0x25FF),  # ■ ▶ ● ◆
    (0x2600, 0x27BF),  # ★ ☎ ✔ ✅
    (0x2B00, 0x2BFF),
    (0x1F000, 0x1FAFF),
)
# Laughter (ㅋㅋㅋ), crying (ㅠㅠ), "~~~", "!!!" and long numbers are ordinary writing.
# NFKC turns the compatibility jamo ㅋ into the conjoining ᄏ, so both spellings are listed.
# Normalized one by one: together NFKC would compose ㅎ and ㅠ into the syllable 휴.
_ORDINARY_RUNS = "ㅋㅎㅠㅜㅡ" + "".join(unicodedata.normalize("NFKC", ch) for ch in "ㅋㅎㅠㅜㅡ")
_REPEATED = re.compile(rf"([^\s{_ORDINARY_RUNS}.!?~^\d])\1{{{REPEAT_RUN - 1},}}")


def _emoji_count(text: str) -> int:
    return sum(
        1 for ch in text if any(low <= ord(ch) <= high for low, high in _EMOJI_RANGES) or ch == "※"
    )


# --- scoring ------------------------------------------------------------------------------


def _duplicates(text: str, history: PostHistory) -> int:
    # Only a prefix is compared, and normalizing all of a huge post would cost more than
    # the comparison; four raw characters per compared one leaves room for dropped symbols.
    raw_prefix = _MAX_COMPARE_CHARS * 4
    current = normalize_post(text[:raw_prefix])[:_MAX_COMPARE_CHARS]
    if len(current) < DUPLICATE_MIN_CHARS:
        return 0
    count = 0
    for prior_text in history.recent_texts[-_MAX_HISTORY:]:
        prior = normalize_post(prior_text[:raw_prefix])[:_MAX_COMPARE_CHARS]
        if prior == current:
            count += 1
            continue
        matcher = SequenceMatcher(None, current, prior, autojunk=False)
        if (
            matcher.real_quick_ratio() >= DUPLICATE_SIMILARITY
            and matcher.quick_ratio() >= DUPLICATE_SIMILARITY
            and matcher.ratio() >= DUPLICATE_SIMILARITY
        ):
            count += 1
    return count


def _link_signals(text: str) -> list[tuple[str, float]]:
    signals: list[tuple[str, float]] = []
    kinds: dict[str, int] = {}
    unofficial = 0
    for host in _hosts(text):
        if any(_is_under(host, domain) for domain in OFFICIAL_SUFFIXES):
            kinds["official_link"] = kinds.get("official_link", 0) + 1
            continue
        unofficial += 1
        if any(_is_under(host, domain) for domain in MAP_HOSTS):
            kinds["map_link"] = 1
        elif any(_is_under(host, domain) for domain in SHORTENER_HOSTS):
            kinds["short_link"] = 1
        else:
            kinds["link"] = 1
    weights = {
        "link": W_LINK,
        "short_link": W_SHORT_LINK,
        "map_link": W_MAP_LINK,
        "official_link": W_OFFICIAL_LINK,
    }
    signals.extend((kind, weights[kind]) for kind in weights if kind in kinds)
    if unofficial > 2:
        signals.append(("many_links", W_MANY_LINKS))
    return signals


def score_post(text: str, history: PostHistory) -> SpamDecision:
    """Score a post (as it will be stored, after strip_html) against the author's history."""
    prepared = _prepare(text)
    signals = _link_signals(prepared)

    phones = {re.sub(r"^82", "0", re.sub(r"\D", "", m.group(0))) for m in _PHONE.finditer(prepared)}
    if phones:
        signals.append(("phone", W_PHONE))
    if len(phones) > 1:
        signals.append(("many_phones", W_MANY_PHONES))
    if _CONTACT.search(prepared):
        signals.append(("contact_handle", W_CONTACT))

    contact_channel = any(
        name in {"link", "short_link", "map_link", "phone", "contact_handle"} for name, _ in signals
    )
    if contact_channel and history.account_age_s < NEW_ACCOUNT_S:
        signals.append(("new_account", W_NEW_ACCOUNT))

    duplicates = _duplicates(text, history)
    if duplicates:
        signals.append(("duplicate", W_DUPLICATE[min(duplicates, len(W_DUPLICATE)) - 1]))
    if history.posts_last_minute >= FLOOD_PER_MINUTE or history.posts_last_hour >= FLOOD_PER_HOUR:
        signals.append(("burst", W_FLOOD))
    elif history.posts_last_minute >= BURST_PER_MINUTE:
        signals.append(("burst", W_BURST))
    elif history.posts_last_hour >= BURST_PER_HOUR:
        signals.append(("burst", W_BURST_HOUR))

    promo = _promo_weights(prepared)
    if promo:
        names = {name for name, _ in signals}
        if contact_channel or "duplicate" in names:
            weight = min(sum(promo), PROMO_WITH_CHANNEL_CAP)
        elif "burst" in names:
            weight = min(sum(promo) * PROMO_BURST_FACTOR, PROMO_WITH_CHANNEL_CAP)
        else:
            weight = min(PROMO_ALONE * len(promo), PROMO_ALONE_CAP)
        signals.append(("promo_keyword", weight))

    if _emoji_count(prepared) >= EMOJI_MIN:
        signals.append(("emoji", W_EMOJI))
    if _REPEATED.search(prepared):
        signals.append(("repeated_chars", W_REPEATED))

    score = round(sum(weight for _, weight in signals), 2)
    if score >= REFUSE_AT:
        verdict = SpamVerdict.REFUSE
    elif score >= REVIEW_AT:
        verdict = SpamVerdict.REVIEW
    else:
        verdict = SpamVerdict.ALLOW
    return SpamDecision(
        verdict=verdict,
        score=score,
        reasons=tuple(name for name, _ in signals),
        contributions=tuple(signals),
    )
