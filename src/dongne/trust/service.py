"""Public profiles with their answer record, cached: the figures move slowly and are read on
every answer a traveler looks at."""

from __future__ import annotations

from datetime import timedelta

from dongne.infra.cache.base import Cache, CachedModels
from dongne.kit.db import UnitOfWork
from dongne.trust.policy import answer_record
from dongne.trust.repository import AnswerFiguresRepository
from dongne.trust.schemas import PublicProfile
from dongne.users.service import UsersService

# Long enough that a busy room reads the database once per answerer, short enough that a
# new answer or acceptance shows within minutes.
PROFILE_TTL = timedelta(minutes=5)
RECENT_QUESTIONS = 100


class TrustService:
    def __init__(self, users: UsersService, cache: Cache) -> None:
        self._users = users
        self._profiles = CachedModels(cache, "public-profile", PublicProfile, PROFILE_TTL)

    async def public_profile(self, uow: UnitOfWork, user_id: str) -> PublicProfile:
        async def load() -> PublicProfile:
            user = await self._users.get(uow, user_id)  # not found -> DongneError
            figures = AnswerFiguresRepository(uow.session)
            answers, accepted, questions = await figures.totals(user_id)
            times = await figures.first_answer_times(user_id, limit=RECENT_QUESTIONS)
            return PublicProfile(
                id=user.id,
                nickname=user.nickname,
                role=user.role,
                is_local_verified=user.is_local_verified,
                bio=user.bio,
                created_at=user.created_at,
                record=answer_record(
                    answers=answers,
                    accepted=accepted,
                    questions_answered=questions,
                    delays=[answered - asked for asked, answered in times],
                ),
            )

        return await self._profiles.get(user_id, load)
