"""A labelled set of Jeju Q&A posts for the spam detector: (text, label, history kind).

Ham is what honest travellers and locals write, deliberately including the words the old
keyword blocklist refused (무료, 할인, 광고, 이벤트, free, discount, coupon), public phone
numbers of ticket offices and links to official sites. Spam is what Korean travel and
community boards actually receive: pension and rent-a-car ads, casino and betting links,
Kakao open-chat recruitment, loan spam, copy-pasted posts and bursts.

Phone numbers here are made up. The set was written together with the detector, so its
figures are an upper bound; add every misjudged real post to it.
"""

from __future__ import annotations

from typing import Literal

from dongne.moderation.policy import PostHistory, normalize_post

Label = Literal["ham", "spam"]
HistoryKind = Literal["fresh", "new_account", "repost", "copypaste", "burst", "busy_local", "flood"]

DAY_S = 24 * 3600.0


def history_for(kind: HistoryKind, text: str) -> PostHistory:
    """The author's recent activity for one history kind (earlier copies derive from text)."""
    if kind == "fresh":
        return PostHistory(account_age_s=90 * DAY_S)
    if kind == "new_account":
        return PostHistory(account_age_s=120.0)
    if kind == "repost":  # asked once before, nobody answered, asked again
        return PostHistory(
            recent_texts=(normalize_post(text),),
            posts_last_hour=1,
            account_age_s=30 * DAY_S,
        )
    if kind == "copypaste":  # the same text three times, numbers and spacing varied
        variants = (
            text,
            text.replace("1", "7").replace(" ", "  "),
            text.upper() + "!!",
        )
        return PostHistory(
            recent_texts=tuple(normalize_post(v) for v in variants),
            posts_last_minute=0,
            posts_last_hour=3,
            account_age_s=5 * DAY_S,
        )
    if kind == "burst":  # four posts within the last minute
        return PostHistory(posts_last_minute=4, posts_last_hour=6, account_age_s=10 * DAY_S)
    if kind == "busy_local":  # a local answering many questions on a busy afternoon
        return PostHistory(posts_last_minute=1, posts_last_hour=25, account_age_s=400 * DAY_S)
    if kind == "flood":
        return PostHistory(posts_last_minute=9, posts_last_hour=45, account_age_s=600.0)
    raise ValueError(kind)


EXAMPLES: list[tuple[str, Label, HistoryKind]] = [
    # --- honest questions that use promotional words -----------------------------------
    ("무료 주차 되는 해변 있나요?", "ham", "fresh"),
    ("협재해수욕장 근처에 무료 주차장 있어요? 지금 가는 중이에요", "ham", "fresh"),
    ("성산일출봉 입장료 경로 할인 되나요?", "ham", "fresh"),
    ("제주도민 할인 받으려면 신분증 보여주면 되나요?", "ham", "fresh"),
    ("이 근처 카페 중에 이벤트 하는 곳 있어요? 아이랑 같이 가기 좋은 곳이요", "ham", "fresh"),
    ("방금 본 광고에 나온 흑돼지집 이름이 뭐였죠? 애월 쪽이었는데", "ham", "fresh"),
    ("동문시장 야시장 쿠폰 어디서 받아요?", "ham", "fresh"),
    ("렌트카 완전자차 할인 받는 방법 있을까요? 카드 할인 되는 곳 아시는 분", "ham", "fresh"),
    (
        "서귀포 올레시장 근처 저렴한 숙소 추천해 주세요. 할인 이벤트 하는 곳이면 더 좋고요",
        "ham",
        "fresh",
    ),
    ("우도 전기자전거 대여 할인 쿠폰 있는 곳 아시는 분? 이벤트 한다던데", "ham", "fresh"),
    ("광고 아니고 진짜 궁금해서요. 애월 카페 중에 노키즈존 아닌 곳 있나요?", "ham", "fresh"),
    ("제주공항 렌터카 하우스 셔틀 무료인가요? 몇 분 간격이에요?", "ham", "fresh"),
    ("한라산 관음사 코스 무료 셔틀 있나요? 전화번호 아시는 분", "ham", "fresh"),
    ("문의 드려요. 비자림 반려견 입장 되나요?", "ham", "fresh"),
    ("제주 신화월드 카지노 몇 시까지 하나요? 구경만 하려고요", "ham", "fresh"),
    ("홍보 글 같은데 신고해야 하나요? 아까 질문방에 이상한 링크가 올라왔어요", "ham", "fresh"),
    ("제주도박물관 오늘 문 열었나요?", "ham", "fresh"),
    ("오늘 함덕 해변 사람 많아요? 주차 자리 있나요?", "ham", "new_account"),
    ("Is there free parking near Hamdeok beach?", "ham", "fresh"),
    ("Any discount for students at the Jeju Folk Village?", "ham", "fresh"),
    ("Is there a phone number for the ticket office at Manjanggul?", "ham", "fresh"),
    ("Is the casino at the Grand Hyatt open to Korean citizens?", "ham", "fresh"),
    (
        "Is there a sale on tangerines at the Seogwipo market this week? "
        "Looking for cheap ones to ship home",
        "ham",
        "fresh",
    ),
    (
        "Free walking tour in Jeju City — does anyone know if it still runs on Saturdays?",
        "ham",
        "new_account",
    ),
    # --- honest answers with phone numbers, official links, promotional words -----------
    ("만장굴 매표소 번호는 064-710-7903 이에요. 오전에 전화하면 잘 받아요.", "ham", "fresh"),
    ("성산일출봉 매표소 064-783-0959 로 전화해 보세요. 도민은 할인 돼요", "ham", "fresh"),
    ("그 식당은 예약 필수예요. 064-799-1234 로 전화하세요", "ham", "fresh"),
    ("렌트카 회사 고객센터 1588-1234 로 전화해서 사고 접수하세요", "ham", "fresh"),
    ("The bus terminal info line is +82-64-753-1153, they speak some English.", "ham", "fresh"),
    (
        "한라산 탐방 예약은 한라산국립공원 사이트(jeju.go.kr/hallasan)에서 해야 해요. 무료예요.",
        "ham",
        "fresh",
    ),
    (
        "Check https://www.visitjeju.net for the festival schedule, most events are free.",
        "ham",
        "fresh",
    ),
    (
        "우도 도항선 시간표는 https://www.visitjeju.net 에 있어요. 성산항 대합실 064-782-5671",
        "ham",
        "fresh",
    ),
    ("여기예요 https://naver.me/5abcDEF 주차는 가게 앞에 무료로 할 수 있어요", "ham", "fresh"),
    (
        "Official info: https://www.jeju.go.kr lists the free shuttle buses to the airport.",
        "ham",
        "new_account",
    ),
    ("Coupon booklets are free at the airport tourist info desk near gate 5.", "ham", "fresh"),
    (
        "관광통역 안내전화 1330으로 전화하면 영어로도 안내해줘요, 무료예요. "
        "공항 안내데스크 064-742-8866",
        "ham",
        "fresh",
    ),
    (
        "오설록 티뮤지엄 홈페이지 https://www.osulloc.com 에서 티클래스 예약하면 할인 쿠폰 줘요",
        "ham",
        "fresh",
    ),
    ("인스타 @jeju_bakery 에 오늘 메뉴 올라와요. 빵 나오는 시간은 11시", "ham", "fresh"),
    (
        "제주도서관 대출 카드 관광객도 만들 수 있나요? 064-710-8666 에 물어보니 된대요",
        "ham",
        "fresh",
    ),
    # --- honest posts with repetition or speed --------------------------------------------
    ("한림공원 지금 수국 피었나요? 사진 있으면 보여주세요", "ham", "repost"),
    ("감사합니다! 덕분에 잘 다녀왔어요", "ham", "copypaste"),
    ("네 거기 지금 열었어요. 주차는 길가에 하시면 돼요", "ham", "busy_local"),
    ("도민 할인은 신분증 있어야 돼요. 매표소에 문의하세요", "ham", "busy_local"),
    ("ㅋㅋㅋㅋㅋㅋㅋㅋㅋㅋ 감사합니다!!!! 덕분에 잘 찾았어요 😊😊", "ham", "burst"),
    ("지금 가면 무료 시식 이벤트 해요 ㅎㅎ 줄은 좀 길어요", "ham", "burst"),
    # --- spam: ads with phone numbers --------------------------------------------------------
    ("제주 독채펜션 특가 할인 이벤트! 예약문의 010-1234-5678", "spam", "fresh"),
    (
        "★제주 렌트카 최저가★ 완전자차 포함 1일 9,900원 카톡 jejurent77 전화 010 9876 5432",
        "spam",
        "fresh",
    ),
    ("제주 풀빌라 최저가 보장 ▶ 예약문의 0507-1234-5678 ◀ 선착순 10팀 할인", "spam", "fresh"),
    ("렌터카 쿠폰 증정 이벤트 070-8888-9999 카톡문의 환영", "spam", "fresh"),
    ("제주 감귤 직거래 최저가 판매 문의 010-1111-2222 택배 무료", "spam", "fresh"),
    ("제주 출장마사지 24시 문의 010 - 7777 - 8888", "spam", "fresh"),
    ("무직자 당일 대출 가능 신용 무관 상담 010.5555.1234", "spam", "fresh"),
    (
        "Need quick cash? Low interest loan approved in 1 hour, call +82 10-2345-6789",
        "spam",
        "fresh",
    ),
    ("Jeju pension sale 30% off!! whatsapp +82 10 3333 4444", "spam", "fresh"),
    ("제주 골프 부킹 특가 홍보합니다 카카오톡 ID: golfjeju", "spam", "fresh"),
    # --- spam: casino, betting, shorteners ----------------------------------------------------
    ("제주 신규 카지노 오픈 첫충 30% 보너스 https://jeju-casino777.com", "spam", "fresh"),
    ("바카라 슬롯 먹튀없는 안전놀이터 bit.ly/3xYz9 가입코드 JEJU", "spam", "fresh"),
    ("토토 먹튀검증 사이트 추천 www.safe-toto.site 가입시 3만 포인트", "spam", "fresh"),
    ("Online casino bonus 200% free spins, sign up now at luckyspin.bet", "spam", "fresh"),
    ("지금 가입하면 5만원 지급 카지노 사이트 주소 문의는 텔레 @casino_jj", "spam", "fresh"),
    ("이벤트 당첨! 아래 링크에서 쿠폰 받으세요 https://han.gl/AbCd", "spam", "new_account"),
    ("FREE coupon for Jeju aquarium!!! click the link bit.ly/jeju-free", "spam", "fresh"),
    (
        "🔥🔥🔥 제주 최저가 항공권 🔥🔥🔥 특가 이벤트 바로가기 jeju-air-sale.shop 🔥🔥🔥",
        "spam",
        "fresh",
    ),
    (
        "Best price rent-a-car in Jeju!! Click here www.cheap-jeju-car.xyz promo code JEJU10",
        "spam",
        "fresh",
    ),
    # --- spam: open chat, messengers, money ---------------------------------------------------
    ("부업으로 월 300 수익! 오픈채팅 https://open.kakao.com/o/sAbCdEf 참여하세요", "spam", "fresh"),
    (
        "주식 리딩방 무료 체험 고수익 보장 오픈채팅방 입장 → open.kakao.com/o/gXyZ12",
        "spam",
        "new_account",
    ),
    ("급전 필요하신 분 작업대출 텔레그램 @loanking24", "spam", "fresh"),
    ("Earn $500 a day from home. DM me on telegram @easy_money_kr", "spam", "fresh"),
    ("오픈톡 제주맛집 정보방 무료 입장 홍보 환영", "spam", "fresh"),
    # --- spam: repetition and bursts ---------------------------------------------------------
    (
        "애월 오션뷰 카페 오픈 이벤트 아메리카노 무료 쿠폰 드려요 많이 놀러오세요",
        "spam",
        "copypaste",
    ),
    (
        "Jeju tangerine farm tour 50% discount this week only, message us for booking",
        "spam",
        "copypaste",
    ),
    ("제주 렌트카 당일 예약 가능 1일 1만원 최저가 문의 010-2222-3333", "spam", "copypaste"),
    ("서귀포 맛집 흑돼지 할인 이벤트 진행 중 예약문의 064-123-4567", "spam", "burst"),
    ("Visit our shop for the best Jeju souvenirs, 20% discount: jejusouvenir.kr", "spam", "burst"),
    ("제주 스냅촬영 특가 DM 주세요", "spam", "flood"),
    # A shop's praise without any way to reach it: allowed by design (see policy docstring).
    ("제주 최고의 흑돼지 맛집 한라식당 많이 찾아주세요! 할인 이벤트 진행 중", "spam", "fresh"),
]
